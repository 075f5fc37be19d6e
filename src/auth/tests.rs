use chrono::TimeZone;

use super::*;
use crate::store::SledStore;

fn store() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(&dir.path().join("store")).unwrap();
    (dir, store)
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

const GOOD: &str = "lentil soup on tuesdays";

/// An editor invited and with a password set.
fn editor(store: &SledStore) -> Account {
    let invited = create_account(
        store,
        None,
        "Rahima@Example.org",
        "Rahima",
        vec![Role::LinkWorker],
        INVITATION_VALID,
        t0(),
    )
    .unwrap();
    set_password_with_link(store, &invited.secret, GOOD, GOOD, t0()).unwrap()
}

#[test]
fn an_invitation_link_sets_a_password_once_and_expires() {
    let (_dir, store) = store();
    let invited = create_account(
        &store,
        None,
        "newcomer@example.org",
        "New",
        vec![Role::LinkWorker],
        INVITATION_VALID,
        t0(),
    )
    .unwrap();
    // A weak password leaves the link working.
    assert!(matches!(
        set_password_with_link(&store, &invited.secret, "short", "short", t0()),
        Err(SetPasswordError::Weak(_))
    ));
    assert!(matches!(
        set_password_with_link(
            &store,
            &invited.secret,
            "Newcomer12345",
            "Newcomer12345",
            t0()
        ),
        Err(SetPasswordError::Weak(password::Weakness::ContainsEmail))
    ));
    set_password_with_link(&store, &invited.secret, GOOD, GOOD, t0()).unwrap();
    assert!(matches!(
        set_password_with_link(&store, &invited.secret, GOOD, GOOD, t0()),
        Err(SetPasswordError::BadLink)
    ));
    let late = create_account(
        &store,
        None,
        "late@example.org",
        "Late",
        vec![Role::LinkWorker],
        INVITATION_VALID,
        t0(),
    )
    .unwrap();
    assert!(matches!(
        set_password_with_link(&store, &late.secret, GOOD, GOOD, t0() + Duration::days(8)),
        Err(SetPasswordError::BadLink)
    ));
    // The same address twice is refused, in any case.
    assert!(matches!(
        create_account(
            &store,
            None,
            "NEWCOMER@example.org",
            "x",
            vec![Role::LinkWorker],
            INVITATION_VALID,
            t0()
        ),
        Err(CreateError::Taken)
    ));
    // Only hashes are stored.
    let stored = store
        .account_by_email(&login_email("newcomer@example.org").unwrap())
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.unwrap().starts_with("$argon2id$"));
}

#[test]
fn sign_in_gives_a_new_session_each_time_and_sessions_time_out() {
    let (_dir, store) = store();
    let account = editor(&store);
    let first = login(&store, "rahima@example.org", GOOD, t0()).unwrap();
    let second = login(&store, " RAHIMA@example.org", GOOD, t0()).unwrap();
    assert_ne!(first.secret, second.secret);
    assert!(
        store.session(&first.secret).unwrap().is_none(),
        "the store keeps hashes only"
    );
    let (_, found) = authenticate(&store, &first.secret, t0()).unwrap().unwrap();
    assert_eq!(found.id, account.id);

    // Used every 50 minutes, a session lives 12 hours at most.
    let mut at = t0();
    while at - t0() < SESSION_ABSOLUTE - Duration::minutes(50) {
        at += Duration::minutes(50);
        assert!(
            authenticate(&store, &first.secret, at).unwrap().is_some(),
            "{at}"
        );
    }
    assert!(
        authenticate(
            &store,
            &first.secret,
            t0() + SESSION_ABSOLUTE + Duration::minutes(1)
        )
        .unwrap()
        .is_none()
    );
    // Left idle for over an hour, a session ends.
    assert!(
        authenticate(&store, &second.secret, t0() + Duration::minutes(61))
            .unwrap()
            .is_none()
    );
    assert!(
        authenticate(&store, &second.secret, t0())
            .unwrap()
            .is_none(),
        "removed once expired"
    );
    assert!(
        authenticate(&store, "not a secret", t0())
            .unwrap()
            .is_none()
    );
}

#[test]
fn logout_and_password_changes_end_sessions() {
    let (_dir, store) = store();
    let account = editor(&store);
    let a = login(&store, "rahima@example.org", GOOD, t0()).unwrap();
    let b = login(&store, "rahima@example.org", GOOD, t0()).unwrap();
    logout(&store, &a.secret, t0()).unwrap();
    assert!(authenticate(&store, &a.secret, t0()).unwrap().is_none());
    assert!(authenticate(&store, &b.secret, t0()).unwrap().is_some());
    let new = "a different long passphrase";
    assert!(matches!(
        change_password(&store, &account, "wrong", new, new, t0()),
        Err(ChangePasswordError::WrongCurrent)
    ));
    let account = store.account(account.id).unwrap().unwrap();
    change_password(&store, &account, GOOD, new, new, t0()).unwrap();
    assert!(
        authenticate(&store, &b.secret, t0()).unwrap().is_none(),
        "every session ended"
    );
    assert!(matches!(
        login(&store, "rahima@example.org", GOOD, t0()),
        Err(LoginError::Invalid)
    ));
    assert!(login(&store, "rahima@example.org", new, t0()).is_ok());
}

#[test]
fn repeated_failures_lock_the_account_for_longer_each_time() {
    let (_dir, store) = store();
    editor(&store);
    let mut at = t0();
    for _ in 0..FAILURES_BEFORE_LOCK {
        assert!(matches!(
            login(&store, "rahima@example.org", "guess guess", at),
            Err(LoginError::Invalid)
        ));
    }
    // Locked: even the right password is refused until the lock ends.
    let Err(LoginError::Locked { until }) = login(&store, "rahima@example.org", GOOD, at) else {
        panic!("locked after {FAILURES_BEFORE_LOCK} failures");
    };
    assert_eq!(until - at, FIRST_LOCK);
    at = until + Duration::seconds(1);
    // One more failure after the lock: twice as long.
    assert!(matches!(
        login(&store, "rahima@example.org", "guess again", at),
        Err(LoginError::Invalid)
    ));
    let Err(LoginError::Locked { until }) = login(&store, "rahima@example.org", GOOD, at) else {
        panic!("locked again");
    };
    assert_eq!(until - at, FIRST_LOCK * 2);
    // After the lock, the right password works and the count starts again.
    let signed_in = login(
        &store,
        "rahima@example.org",
        GOOD,
        until + Duration::seconds(1),
    )
    .unwrap();
    assert_eq!(signed_in.account.failed_logins, 0);

    let trail = store.audit_entries().unwrap();
    let count = |action| trail.iter().filter(|e| e.action == action).count();
    assert_eq!(count(AuditAction::LoginFailed), 8);
    assert_eq!(count(AuditAction::AccountLocked), 2);
    assert_eq!(count(AuditAction::LoginSucceeded), 1);
    assert!(
        trail
            .iter()
            .all(|e| !e.detail.contains("guess") && !e.detail.contains("rahima")),
        "no password or address in the audit trail"
    );
}

#[test]
fn unknown_addresses_and_disabled_accounts_are_refused_alike() {
    let (_dir, store) = store();
    let account = editor(&store);
    assert!(matches!(
        login(&store, "nobody@example.org", GOOD, t0()),
        Err(LoginError::Invalid)
    ));
    assert!(matches!(
        login(&store, "not an address", GOOD, t0()),
        Err(LoginError::Invalid)
    ));
    let session = login(&store, "rahima@example.org", GOOD, t0()).unwrap();
    let mut disabled = store.account(account.id).unwrap().unwrap();
    disabled.disabled = true;
    store.put_account(&disabled).unwrap();
    assert!(matches!(
        login(&store, "rahima@example.org", GOOD, t0()),
        Err(LoginError::Invalid)
    ));
    assert!(
        authenticate(&store, &session.secret, t0())
            .unwrap()
            .is_none()
    );
}

#[test]
fn with_an_authenticator_the_password_alone_opens_nothing_and_wrong_codes_lock() {
    let (_dir, store) = store();
    let account = editor(&store);
    let secret = begin_second_factor(&store, &account).unwrap();
    assert_eq!(
        begin_second_factor(&store, &account).unwrap(),
        secret,
        "the pending secret is kept until confirmed"
    );
    // Not yet confirmed: sign-in does not ask for a code.
    assert!(login(&store, "rahima@example.org", GOOD, t0()).is_ok());
    assert!(!confirm_second_factor(&store, &account, "000000", t0()).unwrap());
    let code = totp::code_now(&secret, t0()).unwrap();
    assert!(confirm_second_factor(&store, &account, &code, t0()).unwrap());

    let at = t0() + Duration::minutes(1);
    let Err(LoginError::CodeNeeded { ticket }) = login(&store, "rahima@example.org", GOOD, at)
    else {
        panic!("a code is needed");
    };
    for _ in 0..FAILURES_BEFORE_LOCK - 1 {
        assert!(matches!(
            login_with_code(&store, &ticket, "000000", at),
            Err(LoginError::WrongCode)
        ));
    }
    let right = totp::code_now(&secret, at).unwrap();
    let signed_in = login_with_code(&store, &ticket, &right, at).unwrap();
    assert_eq!(signed_in.account.failed_logins, 0);
    assert!(
        authenticate(&store, &signed_in.secret, at)
            .unwrap()
            .is_some()
    );
    // The ticket is used up; an old ticket has expired.
    assert!(matches!(
        login_with_code(&store, &ticket, &right, at),
        Err(LoginError::Invalid)
    ));
    let Err(LoginError::CodeNeeded { ticket }) = login(&store, "rahima@example.org", GOOD, at)
    else {
        panic!("a code is needed");
    };
    let late = at + SECOND_FACTOR_VALID + Duration::seconds(1);
    let code = totp::code_now(&secret, late).unwrap();
    assert!(matches!(
        login_with_code(&store, &ticket, &code, late),
        Err(LoginError::Invalid)
    ));
    // Five wrong codes in a row lock the account like wrong passwords.
    let Err(LoginError::CodeNeeded { ticket }) = login(&store, "rahima@example.org", GOOD, at)
    else {
        panic!("a code is needed");
    };
    for _ in 0..FAILURES_BEFORE_LOCK {
        let _ = login_with_code(&store, &ticket, "000000", at);
    }
    assert!(matches!(
        login_with_code(&store, &ticket, &totp::code_now(&secret, at).unwrap(), at),
        Err(LoginError::Locked { .. })
    ));
}
