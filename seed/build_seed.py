#!/usr/bin/env python3
"""Build Signpost's sample data ("seed") for the London Borough of Tower Hamlets.

Maintainers only: the generated files are committed, so the project runs without
the geo pack. Run from the repository root:

    python3 seed/build_seed.py

Inputs:  the Tower Hamlets geo pack (postcode centroids, ward polygons, ward to
         locality lookup) at ../shared/data/geo/ relative to the repository root,
         or wherever the environment variable SIGNPOST_GEO_DIR points.
Outputs: seed/taxonomies.json, seed/services.ndjson,
         seed/geography/wards.csv, seed/geography/localities.csv.
         A table of counts for seed/README.md is printed on stdout.

Everything below is hand-written sample content held as Python data. Every
organisation and service is FICTIONAL. Places may be real public places (Idea
Stores, libraries, parks), always described as sample listings. Phone numbers
come only from Ofcom's ranges reserved for drama; e-mail and web addresses only
use example domains.

The output is deterministic: every id is uuid5(NAMESPACE, "<kind>:<slug>"), the
order of everything follows the order of the data below, and no clock is read.
Re-running the script produces byte-identical files. A self-check runs at the
end of every build and the script exits non-zero if any check fails.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import sys
import uuid
from collections import Counter, defaultdict
from pathlib import Path

# One fixed namespace for every id in the seed. Never change it: ids are
# referenced by saved links and tests.
NAMESPACE = uuid.UUID("7d0f5a52-3c1e-4b8e-9b6a-5e1d2c4a8f30")

SEED_DIR = Path(__file__).resolve().parent
REPO_ROOT = SEED_DIR.parent
DEFAULT_GEO_DIR = REPO_ROOT.parent / "shared" / "data" / "geo"

# "Today" for freshness: fixed so that the output never depends on the clock.
REFERENCE_DATE = dt.date(2026, 11, 22)
ASSURER_EMAIL = "directory-team@example.org"
ORG_LABEL = " (Sample data: fictional organisation.)"


def uid(kind: str, slug: str) -> str:
    """Stable id for one object: uuid5 over "<kind>:<slug>"."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{slug}"))


# ---------------------------------------------------------------------------
# Taxonomies
# ---------------------------------------------------------------------------

NEEDS_TAXONOMY = {
    "slug": "needs",
    "name": "Signpost needs",
    "description": (
        "The needs a resident or link worker searches by in Signpost: what someone "
        "needs help with, in plain English. Written for this project."
    ),
    "uri": "https://signpost.example.org/taxonomies/needs",
    "version": "1.0",
}

SUITABLE_TAXONOMY = {
    "slug": "suitable",
    "name": "Signpost suitable for",
    "description": (
        "Who a service is particularly for or only open to, used to filter search "
        "results. Written for this project."
    ),
    "uri": "https://signpost.example.org/taxonomies/suitable-for",
    "version": "1.0",
}

# (code, name, description). A code with a dot is a child of the code before the dot.
NEEDS_TERMS = [
    ("food", "Food",
     "Help getting enough to eat, from free food and cheap groceries to shared meals and cooking on a budget."),
    ("food.food-bank", "Food banks",
     "Free food parcels for people in crisis, usually with a referral voucher from an advice worker, GP, school or social worker."),
    ("food.community-pantry", "Community pantries and food clubs",
     "Cheap groceries for members who pay a small weekly fee, often with fresh fruit, vegetables and household basics."),
    ("food.community-meals", "Community meals and lunch clubs",
     "Free or low-cost hot meals eaten together, such as lunch clubs, community kitchens, free dinners and iftar meals."),
    ("money-debt", "Money and debt",
     "Debt advice, budgeting help and support with bills, rent arrears, council tax, energy costs and cost of living worries."),
    ("benefits", "Benefits advice",
     "Help claiming benefits such as Universal Credit, PIP, Pension Credit and Attendance Allowance, help with forms and challenging decisions."),
    ("housing", "Housing and homelessness",
     "Advice on renting, repairs, overcrowding and eviction, and help if you are homeless, sofa surfing or sleeping rough."),
    ("loneliness", "Loneliness and social isolation",
     "Ways to meet people and make friends: befriending, coffee mornings, social clubs and someone to talk to."),
    ("mental-wellbeing", "Mental wellbeing",
     "Support for stress, anxiety, low mood and other mental health worries, including wellbeing groups and talking therapies."),
    ("mental-wellbeing.counselling", "Counselling",
     "One-to-one talking therapy with a trained counsellor, free or low cost, in person, by phone or online."),
    ("mental-wellbeing.peer-support", "Peer support",
     "Support groups and one-to-one support from people with lived experience who understand what you are going through."),
    ("physical-activity", "Physical activity",
     "Exercise classes, walking groups, sport, swimming and dance to get moving, whatever your age or fitness level."),
    ("carers", "Carers",
     "Support for unpaid carers looking after a family member or friend, including young carers: advice, breaks and carers' groups."),
    ("esol", "ESOL and English classes",
     "English classes for speakers of other languages (ESOL), conversation clubs and help with reading and writing English."),
    ("employment", "Employment and training",
     "Help finding work, writing a CV and applying for jobs, training courses, apprenticeships and advice on your rights at work."),
    ("digital-skills", "Digital skills",
     "Help using computers, phones and the internet, getting online, free wifi, and laptops or tablets to borrow."),
    ("immigration", "Immigration advice",
     "Regulated advice on visas, asylum, the EU Settlement Scheme, British citizenship and immigration status."),
    ("domestic-abuse", "Domestic abuse",
     "Confidential help if a partner or family member is hurting, threatening or controlling you, including refuges and helplines."),
    ("parenting", "Parenting and family",
     "Stay and play, baby groups, parenting courses and family support for parents and carers of children of all ages."),
    ("older-people", "Older people",
     "Activities, advice and support for people in later life, such as lunch clubs, day centres, exercise and help at home."),
    ("young-people", "Young people",
     "Youth clubs, mentoring, sport, creative projects and support for young people and teenagers."),
    ("disability", "Disability",
     "Advice, activities and support for disabled people, Deaf people and people with long-term impairments."),
    ("arts-culture", "Arts and culture",
     "Creative activities such as art, music, drama, crafts, sewing and local heritage projects for all ages."),
    ("green-spaces", "Green spaces and gardening",
     "Parks, gardens and nature: places to relax outdoors, walk and play, and gardening groups to join."),
    ("green-spaces.community-gardens", "Community gardens and allotments",
     "Shared gardens and growing spaces where you can grow fruit, vegetables and flowers with neighbours."),
    ("bereavement", "Bereavement",
     "Support after someone has died: bereavement counselling, support groups and practical help with funerals and paperwork."),
    ("volunteering", "Volunteering",
     "Ways to give your time, gain experience and meet people, and help finding the right volunteer role."),
    ("health-conditions", "Health conditions",
     "Support for living with long-term conditions such as diabetes, heart and lung conditions, sickle cell and other health problems."),
    ("drugs-alcohol", "Drugs and alcohol",
     "Confidential help with drinking, drugs or gambling, recovery groups and support for families and friends."),
    ("legal-advice", "Legal advice",
     "Free legal advice from solicitors and trained advisers on housing, employment, family and consumer problems."),
    ("faith-community", "Faith and community groups",
     "Mosques, churches, temples and community associations that run groups, classes and support for local people."),
    ("community-spaces", "Community spaces",
     "Community centres, halls and rooms where local groups meet and activities happen."),
    ("community-spaces.hall-hire", "Halls and rooms for hire",
     "Halls and meeting rooms you can book for a community group, event, celebration, class or meeting."),
    ("libraries", "Libraries and Idea Stores",
     "Libraries and Idea Stores: borrow books, use free computers and wifi, find study space and free courses."),
    ("advice", "Advice (general)",
     "General advice and help with forms, letters and everyday problems, or finding out where to go next."),
    ("clothing-essentials", "Clothing and essentials",
     "Free clothes, school uniform, baby items, furniture and household essentials for people who need them."),
]

SUITABLE_TERMS = [
    ("women", "Women only",
     "Services only for women and girls, often run by women staff and volunteers."),
    ("men", "Men only",
     "Services only for men and boys."),
    ("young-people", "Young people (11 to 25)",
     "Services set up for young people aged about 11 to 25."),
    ("older-people", "Older people (50+)",
     "Services set up for older people, usually aged 50 or over."),
    ("families", "Families with children",
     "Services for parents, carers and their children to use together."),
    ("carers", "Carers",
     "Services for unpaid carers of a family member or friend."),
    ("disabled", "Disabled people",
     "Services designed with and for disabled people and Deaf people."),
    ("lgbtq", "LGBTQ+ people",
     "Services for lesbian, gay, bisexual, trans, queer and questioning people."),
    ("refugees", "Refugees and asylum seekers",
     "Services for refugees, asylum seekers and other people new to the UK."),
    ("bengali", "Bengali-speaking community",
     "Services run in Bengali or Sylheti, or set up for the Bangladeshi community."),
    ("learning-disabilities", "People with learning disabilities",
     "Services designed for people with learning disabilities and their supporters."),
]

LANGUAGES = {
    "eng": "English",
    "ben": "Bengali",
    "syl": "Sylheti",
    "som": "Somali",
    "urd": "Urdu",
    "ara": "Arabic",
    "pol": "Polish",
    "tur": "Turkish",
    "lit": "Lithuanian",
    "por": "Portuguese",
    "spa": "Spanish",
    "tir": "Tigrinya",
    "zho": "Chinese",
    "yue": "Cantonese",
    "bfi": "British Sign Language",
}

# ---------------------------------------------------------------------------
# Places (locations). Postcodes are real; their coordinates come from the geo
# pack. Street addresses are invented but plausible for the area. `ward` is the
# ward we meant to put the place in: the self-check compares it with the
# postcode's ward in the geo pack (None = outside Tower Hamlets on purpose).
# ---------------------------------------------------------------------------

ACCESS = {
    "step": ("Step-free access from the street; accessible toilet", None),
    "lift": ("Step-free entrance and a lift to all floors; accessible toilet; hearing loop at reception", None),
    "stairs": ("Stairs only, no lift",
               "The rooms are on the first floor, up about 20 steps with a handrail. Ring the bell if you would like someone to meet you at the door."),
    "partial": ("Ground floor is step-free; first-floor rooms are up a flight of stairs",
                "Tell us when you book or arrive and we will use a ground-floor room."),
    "park": ("Level tarmac paths on the main routes; some grass and gravel paths",
             "Benches along the main paths. Public toilets near the main entrance, including an accessible toilet."),
    "garden": ("Level paths and raised beds at wheelchair height",
               "The toilet in the site cabin is not wheelchair accessible."),
    "ramp": ("Portable ramp at the side entrance; ask at the door; no accessible toilet", None),
    "refuge": ("Ground-floor bedroom and bathroom adapted for wheelchair users",
               "Tell the helpline about any access needs when you are referred."),
}

PLACES: dict[str, dict] = {}


def place(slug, name, ward, postcode, address_1, access=None, desc=None,
          real=False, confidential=False, phone=True):
    assert slug not in PLACES, slug
    if real:
        extra = "Sample listing for a real public place: check opening times before you visit."
        desc = f"{desc} {extra}" if desc else extra
    PLACES[slug] = dict(slug=slug, name=name, ward=ward, postcode=postcode,
                        address_1=address_1, access=access, desc=desc,
                        confidential=confidential, phone=phone)


# Bethnal Green East
place("bethnal-green-library", "Bethnal Green Library", "Bethnal Green East", "E2 0HL",
      "Cambridge Heath Road", "lift", "Library in Bethnal Green Gardens with free computers and study space.", real=True)
place("globe-town-hall", "Globe Town Community Hall", "Bethnal Green East", "E2 0QH",
      "212 Roman Road", "step", "Community hall near Globe Town market square with a main hall, kitchen and two small rooms.")
place("meath-gardens", "Meath Gardens", "Bethnal Green East", "E2 0SG",
      "Smart's Place", None, "Local park with a playground, open lawns and old trees beside the canal.", real=True, phone=False)
place("cyprus-street-rooms", "Cyprus Street Church Rooms", "Bethnal Green East", "E2 0NN",
      "31 Cyprus Street", "stairs", "Meeting rooms above a small church.")
place("bancroft-hub", "Bancroft Road Wellbeing Hub", "Bethnal Green East", "E1 4DQ",
      "58 Bancroft Road", "lift", "Wellbeing centre with counselling rooms, a group room and a quiet room.")
place("yp-safe-house", "Young people's safe house (confidential address)", "Bethnal Green East", "E1 4BX",
      "14 Cephas Avenue", "refuge", "Short-stay safe accommodation for young people. The address is never published.",
      confidential=True, phone=False)

# Bethnal Green West
place("teesdale-rooms", "Teesdale Street Community Rooms", "Bethnal Green West", "E2 6PR",
      "77 Teesdale Street", None, "Two community rooms and a kitchen on the ground floor of a housing block.")
place("hackney-road-shop", "Hackney Road Advice Shop", "Bethnal Green West", "E2 7AF",
      "402 Hackney Road", None, "Shopfront advice centre with private interview rooms.")
place("pollard-row-centre", "Pollard Row Family Centre", "Bethnal Green West", "E2 6HX",
      "9 Pollard Row", None, "Family centre with a soft play room, baby changing and a small garden.")
place("mansford-hall", "Mansford Street Hall", "Bethnal Green West", "E2 0BD",
      "45 Mansford Street", None, "Community hall used by local associations and faith groups.")
place("cambridge-heath-studio", "Cambridge Heath Road Arts Studio", "Bethnal Green West", "E2 9RE",
      "281 Cambridge Heath Road", "partial", "Shared art studio and workshop space under the railway arches.")

# Weavers
place("boundary-room", "Boundary Estate Community Room", "Weavers", "E2 7JX",
      "Arnold Circus", "ramp", "Small community room on the Boundary Estate, by the Arnold Circus bandstand.")
place("weavers-fields", "Weavers Fields", "Weavers", "E2 6HU",
      "Kelsey Street", None, "Large open space with sports pitches, a playground and an adventure playground.", real=True, phone=False)
place("cheshire-street-space", "Cheshire Street Youth Space", "Weavers", "E2 6FD",
      "63 Cheshire Street", None, "Youth space with a studio, kitchen and games room.")
place("columbia-mission-hall", "Columbia Road Mission Hall", "Weavers", "E2 7RP",
      "120 Columbia Road", None, "Old mission hall near the flower market, now a community and church hall.")

# Spitalfields & Banglatown
place("idea-store-whitechapel", "Idea Store Whitechapel", "Spitalfields & Banglatown", "E1 1BU",
      "321 Whitechapel Road", "lift", "Library and learning centre with free computers, study space and classrooms.", real=True)
place("chicksand-hall", "Chicksand Tenants' Hall", "Spitalfields & Banglatown", "E1 5LQ",
      "Chicksand Street", None, "Tenants' hall on the Chicksand Estate with a kitchen.")
place("hanbury-hall", "Hanbury Street Community Hall", "Spitalfields & Banglatown", "E1 6QL",
      "96 Hanbury Street", "partial", "Community hall off Brick Lane with a large hall and a rehearsal room.")
place("allen-gardens", "Allen Gardens", "Spitalfields & Banglatown", "E1 5EH",
      "Buxton Street", None, "Small park with a playground, ball court and wildflower beds.", real=True, phone=False)
place("old-montague-centre", "Old Montague Street Women's Centre", "Spitalfields & Banglatown", "E1 5AQ",
      "41 Old Montague Street", "lift", "Women-only centre with a crèche, classrooms and a sewing room.")

# Whitechapel
place("altab-ali-park", "Altab Ali Park", "Whitechapel", "E1 1HD",
      "Adler Street", "park", "Small park on Whitechapel Road with the Shaheed Minar monument.", real=True, phone=False)
place("new-road-centre", "New Road Health and Advice Centre", "Whitechapel", "E1 2AB",
      "118 New Road", "lift", "Advice centre with private interview rooms on three floors.")
place("fieldgate-kitchen", "Fieldgate Street Community Kitchen", "Whitechapel", "E1 1AS",
      "24 Fieldgate Street", None, "Training kitchen and dining room seating 40.")
place("cannon-street-chambers", "Cannon Street Road Chambers", "Whitechapel", "E1 2EZ",
      "150 Cannon Street Road", "stairs", "Offices above a shop used for advice clinics.")
place("leman-street-hub", "Leman Street Hub", "Whitechapel", "E1 8DR",
      "60 Leman Street", "lift", "Shared office building with meeting rooms and a computer suite.")

# Stepney Green
place("stepney-way-growing", "Stepney Way Growing Space", "Stepney Green", "E1 3DG",
      "Stepney Way", "garden", "Community growing space with raised beds, a polytunnel and a small orchard.", phone=False)
place("jubilee-street-centre", "Jubilee Street Community Centre", "Stepney Green", "E1 3HT",
      "112 Jubilee Street", "step", "Busy community centre with a hall, three meeting rooms and a café.")
place("redmans-road-centre", "Redmans Road Carers Centre", "Stepney Green", "E1 3AH",
      "27 Redmans Road", None, "Carers' centre with a drop-in lounge and private rooms.")
place("stepney-green-hall", "Stepney Green Hall", "Stepney Green", "E1 3JT",
      "18 Stepney Green", "partial", "Victorian hall facing the green, used for classes and events.")

# St Dunstan's
place("ocean-centre", "Ocean Estate Community Centre", "St Dunstan's", "E1 4RL",
      "90 Ben Jonson Road", "step", "Community centre at the heart of the Ocean Estate with a sports hall and kitchen.")
place("harford-youth-centre", "Harford Street Youth Centre", "St Dunstan's", "E1 4PZ",
      "15 Harford Street", None, "Youth centre with a sports hall, music room and kitchen.")
place("aston-street-rooms", "Aston Street Islamic Community Rooms", "St Dunstan's", "E14 7QY",
      "Aston Street", "partial", "Community rooms beside a prayer hall, with separate women's rooms.")
place("salmon-lane-hub", "Salmon Lane Family Hub", "St Dunstan's", "E14 7PN",
      "188 Salmon Lane", "step", "Family hub with play rooms, a baby clinic room and an outdoor play area.")

# Shadwell
place("idea-store-watney", "Idea Store Watney Market", "Shadwell", "E1 2FB",
      "260 Commercial Road", "lift", "Library and learning centre by Watney Market with free computers and classrooms.", real=True)
place("cable-street-rooms", "Cable Street Community Rooms", "Shadwell", "E1 0DR",
      "Cable Street", None, "Ground-floor community rooms with a kitchen.")
place("dellow-street-hub", "Dellow Street Family Hub", "Shadwell", "E1 2QG",
      "Dellow Street", None, "Family hub with a play room, meeting room and interview rooms.")
place("glamis-road-hall", "Glamis Road Hall", "Shadwell", "E1 0EE",
      "Glamis Road", "stairs", "First-floor hall with a sprung floor, used for boxing and fitness.")

# St Katharine's & Wapping
place("wapping-lane-hall", "Wapping Lane Community Hall", "St Katharine's & Wapping", "E1W 3AS",
      "85 Wapping Lane", "step", "Community hall with a stage, kitchen and garden.")
place("prusom-street-room", "Prusom Street Tenants' Room", "St Katharine's & Wapping", "E1W 2PX",
      "Prusom Street", "stairs", "Small tenants' meeting room.")
place("hermitage-garden", "Hermitage Riverside Memorial Garden", "St Katharine's & Wapping", "E1W 1LW",
      "Wapping High Street", None, "Riverside garden with views of Tower Bridge and a memorial to the Blitz.", real=True, phone=False)
place("green-bank-centre", "Green Bank Older People's Centre", "St Katharine's & Wapping", "E1W 2PA",
      "12 Green Bank", "step", "Day centre for older people with a lounge, dining room and garden.")
place("kemp-park", "King Edward Memorial Park", "St Katharine's & Wapping", "E1W 3ES",
      "The Highway (riverside entrance)", "park", "Riverside park with tennis courts, a playground and a bowling green.", real=True, phone=False)

# Bow East
place("idea-store-bow", "Idea Store Bow", "Bow East", "E3 5ES",
      "1 Gladstone Place, Roman Road", "lift", "Library and learning centre on Roman Road with free computers and classrooms.", real=True)
place("fish-island-yard", "Fish Island Makers' Yard", "Bow East", "E3 2NS",
      "Dace Road", "step", "Workshops and studios in a converted warehouse by the canal.")
place("old-ford-hall", "Old Ford Community Hall", "Bow East", "E3 2JA",
      "Parnell Road", None, "Community hall with a large hall, kitchen and small garden.")
place("wick-lane-allotments", "Wick Lane Allotments and Community Garden", "Bow East", "E3 2NN",
      "Wick Lane", "garden", "Allotments and a shared community garden beside the River Lea Navigation.", phone=False)

# Bow West
place("victoria-park", "Victoria Park", "Bow West", "E9 7DD",
      "Grove Road", "park", "Large Victorian park with lakes, playgrounds, sports pitches and cafés.", real=True, phone=False)
place("roman-road-hub", "Roman Road Community Hub", "Bow West", "E3 5BY",
      "480 Roman Road", "step", "Shopfront community hub with counselling rooms and a group room.")
place("malmesbury-hall", "Malmesbury Road Hall", "Bow West", "E3 5JG",
      "Malmesbury Road", "stairs", "Church hall on the first floor with a small kitchen.")
place("driffield-rooms", "Driffield Road Rooms", "Bow West", "E3 5RB",
      "Driffield Road", None, "Two ground-floor rooms used by a playgroup and local groups.")
place("bow-refuge", "Women's refuge (confidential address)", "Bow West", "E3 5PG",
      "Medway Road", "refuge", "Safe accommodation for women and children. The address is never published.",
      confidential=True, phone=False)

# Mile End
place("mile-end-park", "Mile End Park", "Mile End", "E3 4HL",
      "Locksley Street entrance", "park", "Long linear park along the canal with an ecology pavilion, arts pavilion and play areas.", real=True, phone=False)
place("cemetery-park", "Tower Hamlets Cemetery Park", "Mile End", "E3 4PX",
      "Southern Grove", "park", "Former cemetery, now a woodland nature reserve and park.", real=True, phone=False)
place("burdett-road-centre", "Burdett Road Community Centre", "Mile End", "E14 7EJ",
      "311 Burdett Road", "step", "Community centre with a hall, a computer room and a café.")
place("eric-street-project", "Eric Street Youth Project", "Mile End", "E3 4GT",
      "Eric Street", "step", "Youth project building with a games room, music studio and kitchen.")
place("ackroyd-rooms", "Ackroyd Drive Community Rooms", "Mile End", "E3 4QA",
      "Ackroyd Drive", None, "Ground-floor community rooms on a housing estate.")

# Bromley North
place("campbell-road-hall", "Campbell Road Community Hall", "Bromley North", "E3 3FQ",
      "Campbell Road", None, "Community hall with a kitchen and a small garden.")
place("bow-road-advice", "Bow Road Advice Centre", "Bromley North", "E3 4NR",
      "165 Bow Road", "lift", "Advice centre near Bow Road station with private interview rooms.")
place("bromley-high-chapel", "Bromley High Street Chapel Rooms", "Bromley North", "E3 3YE",
      "Bromley High Street", "stairs", "Rooms above a small chapel.")
place("rainhill-garden", "Rainhill Way Community Garden", "Bromley North", "E3 3EU",
      "Rainhill Way", "garden", "Community garden with raised beds, a pond and a covered seating area.", phone=False)

# Bromley South
place("devons-road-centre", "Devons Road Community Centre", "Bromley South", "E3 3XU",
      "240 Devons Road", None, "Community centre with a hall, kitchen and storage for food deliveries.")
place("bow-common-sports", "Bow Common Lane Sports Hall", "Bromley South", "E3 4DA",
      "Bow Common Lane", "step", "Sports hall with changing rooms and a small meeting room.")
place("st-leonards-hub", "St Leonard's Street Family Hub", "Bromley South", "E3 3LY",
      "St Leonard's Street", "lift", "Family hub with play rooms, a training room and a garden.")

# Lansbury
place("idea-store-chrisp", "Idea Store Chrisp Street", "Lansbury", "E14 6BT",
      "1 Vesey Path, East India Dock Road", "lift", "Library and learning centre at Chrisp Street Market with free computers and classrooms.", real=True)
place("langdon-park", "Langdon Park", "Lansbury", "E14 6UA",
      "Byron Street", "park", "Neighbourhood park with a playground, outdoor gym and sports pitch.", real=True, phone=False)
place("cordelia-hall", "Cordelia Street Community Hall", "Lansbury", "E14 6EB",
      "Cordelia Street", "step", "Large community hall with a kitchen, used for events and a winter night shelter.")
place("aberfeldy-room", "Aberfeldy Street Community Room", "Lansbury", "E14 0XA",
      "Aberfeldy Street", None, "Community room on a local shopping parade.")
place("bartlett-park", "Bartlett Park", "Lansbury", "E14 6FQ",
      "Upper North Street", None, "Open park with a playground, ball court and walking paths.", real=True, phone=False)

# Poplar
place("poplar-high-centre", "Poplar High Street Advice Centre", "Poplar", "E14 0AF",
      "142 Poplar High Street", "lift", "Advice centre with a reception area, computers for public use and interview rooms.")
place("poplar-rec", "Poplar Recreation Ground", "Poplar", "E14 0HD",
      "East India Dock Road", "park", "Park with a playground, outdoor gym and multi-use games area.", real=True, phone=False)
place("woolmore-room", "Woolmore Street Community Room", "Poplar", "E14 0EN",
      "Woolmore Street", "stairs", "Small first-floor community room.")

# Limehouse
place("ropemakers-fields", "Ropemakers Fields", "Limehouse", "E14 8BU",
      "Narrow Street", None, "Small riverside park with a playground and ping-pong tables.", real=True, phone=False)
place("three-colt-rooms", "Three Colt Street Community Rooms", "Limehouse", "E14 8HZ",
      "Three Colt Street", None, "Community rooms with a lounge, kitchen and private room.")
place("causeway-hall", "Limehouse Causeway Hall", "Limehouse", "E14 8BA",
      "Limehouse Causeway", "step", "Community hall near Westferry with a kitchen.")
place("limehouse-refuge", "Refuge for women and children (confidential address)", "Limehouse", "E14 7HQ",
      "Repton Street", "refuge", "Safe accommodation for women and children. The address is never published.",
      confidential=True, phone=False)

# Canary Wharf
place("idea-store-canary-wharf", "Idea Store Canary Wharf", "Canary Wharf", "E14 5RB",
      "Churchill Place", "lift", "Library and learning centre in Canary Wharf with free computers and study space.", real=True)
place("barkantine-centre", "Barkantine Community Centre", "Canary Wharf", "E14 8PZ",
      "Westferry Road", None, "Community centre with a hall, kitchen and meeting rooms.")
place("mcdougall-gardens", "Sir John McDougall Gardens", "Canary Wharf", "E14 8LN",
      "Westferry Road", None, "Riverside gardens with lawns, a playground and river views.", real=True, phone=False)
place("cuba-street-space", "Cuba Street Youth Space", "Canary Wharf", "E14 8LP",
      "Cuba Street", None, "Youth space with a games room and kitchen.")

# Island Gardens
place("island-gardens-park", "Island Gardens", "Island Gardens", "E14 3DQ",
      "Saunders Ness Road", "park", "Riverside park facing Greenwich, next to the foot tunnel entrance.", real=True, phone=False)
place("east-ferry-hall", "East Ferry Road Community Hall", "Island Gardens", "E14 9UW",
      "East Ferry Road", None, "Community hall with a sports hall, kitchen and meeting room.")
place("westferry-family-centre", "Westferry Road Family Centre", "Island Gardens", "E14 3QW",
      "Westferry Road", None, "Family centre with play rooms and a garden.")
place("millwall-park", "Millwall Park", "Island Gardens", "E14 9US",
      "Manchester Road", "park", "Large park with sports pitches and a running track, beside the DLR viaduct.", real=True, phone=False)

# Blackwall & Cubitt Town
place("cubitt-town-library", "Cubitt Town Library", "Blackwall & Cubitt Town", "E14 3HG",
      "Strattondale Street", "step", "Neighbourhood library with free computers and a children's area.", real=True)
place("prestons-centre", "Preston's Road Community Centre", "Blackwall & Cubitt Town", "E14 9QH",
      "Preston's Road", None, "Community centre with a hall, kitchen and meeting room.")
place("crossharbour-rooms", "Crossharbour Wellbeing Rooms", "Blackwall & Cubitt Town", "E14 3NA",
      "Limeharbour", "lift", "Quiet rooms for counselling and small groups.")
place("cubitt-chapel-hall", "Cubitt Town Chapel Hall", "Blackwall & Cubitt Town", "E14 3JF",
      "Manchester Road", None, "Hall behind a chapel, used by community and faith groups.")
place("island-refuge", "Women's refuge (confidential address)", "Blackwall & Cubitt Town", "E14 3LJ",
      "Glengarnock Avenue", "refuge", "Safe accommodation for women and children. The address is never published.",
      confidential=True, phone=False)

# Just outside the borough (Hackney, the City of London, Newham)
place("kingsland-advice", "Kingsland Road Advice Centre", None, "E2 8JD",
      "215 Kingsland Road", None, "Advice centre in Haggerston, in the London Borough of Hackney.")
place("cambridge-heath-kitchen", "Cambridge Heath Community Kitchen", None, "E2 9BG",
      "440 Cambridge Heath Road", None, "Community kitchen and café just over the border in Hackney.")
place("middlesex-street-clinic", "Middlesex Street Legal Clinic", None, "E1 7DA",
      "Middlesex Street", "lift", "Legal clinic rooms in the City of London, on the edge of Spitalfields.")
place("shoreditch-studio", "Shoreditch High Street Youth Studio", None, "E1 6AX",
      "Shoreditch High Street", "partial", "Music and media studio for young people in Shoreditch, in Hackney.")
place("three-mill-rooms", "Three Mill Lane Riverside Rooms", None, "E3 3DU",
      "Three Mill Lane", "step", "Boathouse and riverside rooms on the Newham side of the River Lea.")

# ---------------------------------------------------------------------------
# Organisations and services
#
# org(slug, name, description, domain=..., charity=..., company=...)
#   The description gets ORG_LABEL appended. With a domain the organisation
#   gets hello@<domain> and https://<domain>/. Every organisation gets a main
#   phone line from the drama range unless phone=False.
#
# svc(slug, org_slug, name, description, ...) keyword arguments:
#   needs="code code"        needs terms (1 to 3), suit="code" suitable-for terms
#   at="place place"         places where it happens (service_at_locations)
#   online=True              a virtual location (online service)
#   sched=[...]              "MO,WE 10:00-16:00", "M 1TU 10:00-12:00" (monthly),
#                            optional " @place", " from=YYYY-MM-DD", " to=YYYY-MM-DD",
#                            " # words" to replace the generated description
#   langs="eng ben syl"      ISO 639-3 codes (default "eng")
#   cost=FREE (default) | None (say nothing) | [(option, amount, amount_description)]
#   fees="free text"         route="self_referral|professional_referral|drop_in|signpost_only"
#   ref_email, ref_phone, ref_url, ref_text     how to get referred
#   elig="one sentence"      ages=(min, max) with None for "no limit"
#   status, alert            assured=False for no assured_date
#   contact=(name, title[, email])   phones=[(number, type, description, "langs")]
#   phone=False              no phone (default: the organisation's main line)
#   email, url               area="Tower Hamlets" or ["Bow", "Mile End"]
# ---------------------------------------------------------------------------

FREE = "free"
ORGS: dict[str, dict] = {}
SERVICES: list[dict] = []


def org(slug, name, desc, domain=None, charity=None, company=None, phone=True):
    assert slug not in ORGS, slug
    ORGS[slug] = dict(slug=slug, name=name, desc=desc, domain=domain,
                      charity=charity, company=company, phone=phone)


def svc(slug, org_slug, name, desc, **kw):
    assert org_slug in ORGS, org_slug
    assert all(s["slug"] != slug for s in SERVICES), slug
    SERVICES.append(dict(slug=slug, org=org_slug, name=name, desc=desc, **kw))


# --- Food -------------------------------------------------------------------

org("bcfh", "Bow Common Food Hub",
    "Volunteer-run food project in Bow Common and Bromley-by-Bow, set up by local residents in 2016 to make sure nobody in the area goes hungry.",
    domain="bowfoodhub.example.org", charity="1172834")
svc("bcfh-food-bank", "bcfh", "Bow Common Food Bank",
    "Emergency food parcels with three days of food for you and your family, plus toiletries and nappies when we have them. "
    "You need a referral voucher from an advice worker, GP, school, housing officer or social worker. "
    "Bring your voucher and a bag; we can deliver to people who cannot get to us.",
    needs="food.food-bank", suit="families", at="devons-road-centre",
    sched=["TU,FR 10:00-13:00"], langs="eng ben syl som",
    route="professional_referral", ref_email="referrals@bowfoodhub.example.org",
    ref_url="https://bowfoodhub.example.org/refer/",
    ref_text="Professionals can request e-vouchers online. If you do not have a support worker, call us and we will tell you who can refer you.",
    elig="Anyone living in Tower Hamlets who cannot afford food, with a referral voucher.",
    contact=("Rahima Khatun", "Food bank coordinator", "rahima@bowfoodhub.example.org"))
svc("bcfh-pantry", "bcfh", "Bow Common Community Pantry",
    "A members' food club: pay £3.50 a visit and choose ten or more items, including fresh fruit, vegetables, bread and household basics. "
    "No voucher needed, just join on your first visit with proof of address. Friendly volunteers, tea and a chat while you shop.",
    needs="food.community-pantry money-debt", at="bow-common-sports",
    sched=["WE 14:00-17:00", "SA 10:00-12:00"], langs="eng ben syl",
    cost=[("Pantry membership visit", 3.5, "per visit, for at least 10 items")],
    fees="£3.50 a visit. Joining is free.",
    route="self_referral",
    ref_text="Come along to any session with proof of address (a bill or tenancy letter) to join.",
    elig="Residents of Bow, Bromley-by-Bow and Poplar on a low income.")

org("cwfc", "Columbia Road Mission",
    "A small church community on Columbia Road that opens its hall to neighbours for food, warmth and company.",
    domain="columbiamission.example.org", charity="1098812")
svc("cwfc-pantry", "cwfc", "Mission Hall Pay-As-You-Feel Pantry",
    "Surplus food from local shops and markets, set out like a shop, on a pay-as-you-feel basis: give what you can, or nothing. "
    "Bread, veg, dairy and tins most weeks. Bring your own bags.",
    needs="food.community-pantry", at="columbia-mission-hall",
    elig="Anyone who wants to cut food waste or is struggling with the cost of food.",
    sched=["TH 15:00-18:00"], cost=FREE, route="drop_in",
    fees="Pay as you feel. Nobody is turned away.")
svc("cwfc-warm-space", "cwfc", "Winter Warm Space and Soup",
    "A warm, welcoming room with free soup, hot drinks, board games and phone charging on winter afternoons. "
    "No need to book or explain why you are here. Children welcome with an adult.",
    needs="loneliness food.community-meals", at="columbia-mission-hall",
    sched=["MO,WE 12:00-16:00 from=2026-11-02 to=2027-03-26"], route="drop_in",
    elig="Anyone who wants somewhere warm to spend the afternoon.")
svc("cwfc-sunday", "cwfc", "Sunday Service and Shared Lunch",
    "Sunday morning worship followed by a shared lunch that anyone can join, whether or not you come to the service. "
    "Families welcome; there is a children's corner during the service.",
    needs="faith-community food.community-meals", at="columbia-mission-hall",
    sched=["SU 10:30-13:30"], route="drop_in", cost=FREE)

org("fck", "Fieldgate Community Kitchen",
    "A community kitchen in Whitechapel that cooks free meals with surplus food and runs cooking courses for local people.",
    domain="fieldgatekitchen.example.org", charity="1183390")
svc("fck-free-dinner", "fck", "Free Community Dinner",
    "A free two-course hot dinner cooked fresh by volunteers, served at shared tables. Halal and vegetarian food every time. "
    "Everyone welcome: come on your own or bring your family. You do not need to book.",
    needs="food.community-meals loneliness", at="fieldgate-kitchen",
    sched=["TU,TH 18:00-20:00"], langs="eng ben syl", route="drop_in",
    elig="Open to everyone.")
svc("fck-cook-budget", "fck", "Cook and Eat on a Budget course",
    "A six-week course for adults: learn to cook healthy, cheap meals for a family, shop on a budget and use up leftovers. "
    "Each week you cook, eat together and take home a bag of ingredients. Crèche available if you book ahead.",
    needs="food health-conditions", suit="families", at="fieldgate-kitchen",
    sched=["WE 10:00-12:30 from=2027-01-13 to=2027-02-17"], langs="eng ben syl",
    route="self_referral", ref_phone="020 7946 0718",
    ref_text="Phone or ask at the kitchen to book a place; places are limited to 10.",
    elig="Adults living in Tower Hamlets.", ages=(18, None))
svc("fck-volunteer", "fck", "Kitchen Volunteering",
    "Help us cook and serve community dinners, sort surplus food or wash up. Food hygiene training is free for volunteers, "
    "and you can use your hours towards a reference for catering jobs.",
    needs="volunteering employment", at="fieldgate-kitchen",
    sched=["TU,TH 16:00-20:30"], route="self_referral",
    ref_url="https://fieldgatekitchen.example.org/volunteer/",
    ref_text="Fill in the short volunteer form online and we will invite you to a taster shift.",
    ages=(16, None))

org("chck", "Cambridge Heath Community Kitchen",
    "A café and community kitchen just over the Hackney border, serving people from both sides of the Regent's Canal.",
    domain="chcommunitykitchen.example.org", company="11492603")
svc("chck-lunch", "chck", "Pay-What-You-Can Lunch (Cambridge Heath)",
    "Hot vegetarian lunch every weekday, pay what you can afford, from nothing upwards. "
    "We are on the Hackney side of Cambridge Heath station and welcome Tower Hamlets residents too.",
    needs="food.community-meals", at="cambridge-heath-kitchen",
    sched=["MO,TU,WE,TH,FR 12:00-14:30"], route="drop_in",
    cost=[("Lunch, pay what you can", 0, "suggested £4 if you can afford it")],
    fees="Pay what you can; suggested £4.")

org("ifp", "Island Food Partnership",
    "A partnership of churches, mosques and tenants' groups on the Isle of Dogs that runs the island's food bank and a school holiday food programme.",
    domain="islandfood.example.org", charity="1161207")
svc("ifp-food-bank", "ifp", "Isle of Dogs Food Bank",
    "Free food parcels, toiletries and period products for households in crisis. We can also refer you to a debt adviser who sits in on Friday sessions. "
    "Bring your referral voucher; if you cannot get one, come anyway and we will help you for this visit.",
    needs="food.food-bank money-debt", at="cubitt-chapel-hall",
    sched=["MO 13:00-15:00", "FR 10:00-12:30"], langs="eng ben syl pol",
    route="professional_referral",
    ref_text="Vouchers come from Citizens Advice-type services, GPs, schools and housing officers. In an emergency you can come without one once.",
    ref_email="vouchers@islandfood.example.org",
    elig="Residents of the Isle of Dogs (E14 3 and E14 9) who cannot afford food.")
svc("ifp-holiday-food", "ifp", "Holiday Lunch and Activities for Children",
    "Free hot lunch and sports, games and crafts for children during the school holidays. "
    "Children on free school meals get priority, but others can join if there are spaces. Parents can stay for a cup of tea.",
    needs="food.community-meals young-people parenting", suit="families", at="east-ferry-hall",
    elig="Children aged 5 to 16 living or going to school on the Isle of Dogs.",
    sched=["MO,TU,WE,TH 10:00-14:00 from=2026-12-21 to=2027-01-01"], ages=(5, 16),
    route="self_referral", ref_url="https://islandfood.example.org/holiday-club/",
    ref_text="Book online or ask your child's school to book for you.")
svc("ifp-summer-2025", "ifp", "Summer 2025 Holiday Food Programme",
    "Free lunches and activities for children in the 2025 summer holidays. This programme has finished; see Holiday Lunch and Activities for Children for current dates.",
    needs="food.community-meals", at="east-ferry-hall",
    sched=["MO,TU,WE,TH 10:00-14:00 from=2025-07-28 to=2025-08-29"], ages=(5, 16),
    status="inactive", route="self_referral", assured=False)

org("gtn", "Globe Town Neighbours Association",
    "Residents' association for Globe Town that runs the community hall on Roman Road and a lunch club for older neighbours.",
    domain="globetownneighbours.example.org", charity="1104456")
svc("gtn-lunch-club", "gtn", "Globe Town Lunch Club for Over-60s",
    "A hot two-course lunch, a game of bingo and good company twice a week. Food is halal and we cater for diabetic diets. "
    "Just turn up; if you cannot walk far, ask about our minibus pick-up.",
    needs="food.community-meals older-people loneliness", suit="older-people", at="globe-town-hall",
    sched=["WE,FR 12:00-14:30"], langs="eng ben syl",
    cost=[("Two-course lunch", 3, "per meal")], fees="£3 for lunch; tea and coffee free.",
    route="drop_in", ages=(60, None),
    elig="People aged 60 and over living in Bethnal Green and Globe Town.",
    contact=("Jean Whitlock", "Lunch club organiser"))
svc("gtn-hall-hire", "gtn", "Globe Town Community Hall: hall and room hire",
    "Hire the main hall (seats 80) or one of two small rooms for a community group, class, meeting or family celebration. "
    "Kitchen included. Discounts for groups that are free to attend.",
    needs="community-spaces.hall-hire community-spaces", at="globe-town-hall",
    sched=["MO,TU,WE,TH,FR,SA,SU 09:00-22:00 # Bookings from 9am to 10pm every day."],
    cost=[("Hall hire (community groups)", 25, "per hour"), ("Hall hire (private events)", 45, "per hour"),
          ("Small room", 12, "per hour")],
    fees="Community groups £25 an hour; private events £45 an hour; small rooms £12 an hour.",
    route="self_referral", ref_email="bookings@globetownneighbours.example.org",
    ref_text="Email us with the date, times and what the booking is for.")
svc("gtn-knit", "gtn", "Knit and Natter",
    "Bring your knitting or crochet, or learn from scratch with our spare needles and wool. "
    "A relaxed afternoon with tea, cake and conversation. Men and women of all ages welcome.",
    needs="arts-culture loneliness", at="globe-town-hall",
    elig="Adults of any age who would like some company.",
    sched=["TH 14:00-16:00"], route="drop_in", cost=None)

# --- Money, benefits and general advice -------------------------------------

org("sac", "Shadwell Advice Collective",
    "Independent advice charity in Shadwell and Stepney giving free, confidential advice on benefits, debt, housing and everyday problems since 1998.",
    domain="shadwelladvice.example.org", charity="1071542")
svc("sac-drop-in", "sac", "Advice Drop-in at Idea Store Watney Market",
    "Free advice on benefits, debts, housing, consumer problems and letters you don't understand. "
    "Advisers speak Bengali, Sylheti and Somali. Bring any letters, your ID and your bank statements if you have them. "
    "First come, first served: arrive early, as we can see about 12 people a session.",
    needs="advice benefits money-debt", suit="bengali", at="idea-store-watney",
    sched=["MO,WE 10:00-13:00"], langs="eng ben syl som", route="drop_in",
    elig="Anyone who lives or works in Tower Hamlets.",
    contact=("Abdul Karim Miah", "Advice services manager", "abdul@shadwelladvice.example.org"))
svc("sac-debt", "sac", "Debt Advice Appointments",
    "One-to-one appointments with a qualified debt adviser. We look at everything you owe, help you make a budget, deal with bailiffs and council tax arrears, "
    "and can set up a Debt Relief Order or breathing space if that is right for you. Appointments last about an hour.",
    needs="money-debt legal-advice", at="cable-street-rooms",
    sched=["TU,TH 09:30-16:30"], langs="eng ben syl",
    route="self_referral", ref_phone="020 7946 0722",
    ref_text="Phone to book. If you have a court date or a bailiff letter, tell us and we will see you sooner.",
    elig="Tower Hamlets residents with debts.")
svc("sac-forms", "sac", "Help with Forms",
    "Stuck with a PIP, Attendance Allowance, blue badge or housing form? A trained volunteer will sit with you and help you fill it in, in English or Bengali. "
    "Bring the form and any letters from your doctor.",
    needs="benefits advice disability", at="dellow-street-hub",
    sched=["TH 13:00-16:00"], langs="eng ben syl", route="drop_in",
    elig="Adults in Tower Hamlets who need help completing official forms.")

org("eemh", "East End Money Helpline",
    "A free telephone and webchat money advice service for east London, run by a small team of debt and benefits advisers.",
    domain="eastendmoneyhelp.example.org", charity="1149930", phone=False)
svc("eemh-helpline", "eemh", "East End Money Helpline",
    "Free, confidential phone advice on debt, benefits, bills and budgeting. Call, give us a few details and an adviser will talk through your options. "
    "Interpreters available in Bengali, Sylheti and Urdu; ask when you call.",
    needs="money-debt benefits advice", langs="eng ben syl urd",
    phones=[("0808 157 0101", "voice", "Freephone helpline, free from mobiles and landlines", "eng ben syl urd")],
    sched=["MO,TU,WE,TH,FR 09:00-20:00", "SA 10:00-14:00"],
    url="https://eastendmoneyhelp.example.org/", email="advice@eastendmoneyhelp.example.org",
    route="self_referral", area="Tower Hamlets",
    elig="Anyone living in east London worried about money.")
svc("eemh-webchat", "eemh", "Money Advice Webchat and Online Budget Planner",
    "Chat online with a money adviser, or use our free budget planner and self-help guides on benefits, energy bills and priority debts. "
    "Guides are available in English, Bengali and Urdu.",
    needs="money-debt benefits digital-skills", online=True, langs="eng ben urd", phone=False,
    sched=["MO,TU,WE,TH,FR 10:00-16:00 # Webchat: Monday to Friday, 10am to 4pm. The guides and budget planner are online all the time."],
    url="https://eastendmoneyhelp.example.org/chat/", route="self_referral")

org("bra", "Bow Road Advice Centre",
    "Community advice centre on Bow Road giving free advice on welfare benefits, housing and immigration to residents of Bow, Bromley-by-Bow and Mile End.",
    domain="bowroadadvice.example.org", charity="1056620")
svc("bra-benefits", "bra", "Welfare Benefits Advice and Appeals",
    "Specialist help with Universal Credit, PIP, ESA and Pension Credit, including benefit checks, mandatory reconsiderations and tribunal appeals. "
    "We can represent you at a tribunal. Appointments only.",
    needs="benefits legal-advice", at="bow-road-advice",
    sched=["MO,TU,WE,TH 10:00-17:00"], langs="eng ben syl urd",
    route="self_referral", ref_phone="020 7946 0725",
    ref_text="Phone to book an appointment. Professionals can refer by email.",
    ref_email="referrals@bowroadadvice.example.org",
    elig="Residents of Bow, Bromley-by-Bow and Mile End.")
svc("bra-pension-credit", "bra", "Pension Credit Check-up for Older People",
    "Many older people miss out on Pension Credit. Book a free check-up and we will work out what you are entitled to and make the claim with you, "
    "at our centre or by phone. We also help with Attendance Allowance and council tax reduction.",
    needs="benefits older-people", suit="older-people", at="bow-road-advice",
    sched=["FR 10:00-13:00"], langs="eng ben syl", ages=(66, None),
    route="self_referral", ref_phone="020 7946 0725",
    elig="People over State Pension age.")
svc("bra-energy", "bra", "Energy Bills and Cost of Living Advice",
    "Help with high energy bills, prepayment meters, fuel debt and grants for struggling households. "
    "We can check your tariff, apply for hardship funds and refer you for free home energy visits.",
    needs="money-debt advice", at="bow-road-advice",
    elig="Households in Bow, Bromley-by-Bow and Mile End struggling with energy bills.",
    sched=["WE 14:00-17:00"], route="drop_in", cost=None)

org("kra", "Kingsland Road Advice Centre",
    "Advice centre in Haggerston, Hackney, helping people from Hackney and neighbouring boroughs with benefits, debt and employment problems.",
    domain="kingslandadvice.example.org", charity="1038871")
svc("kra-advice", "kra", "Kingsland Road General Advice Sessions",
    "Walk-in advice sessions for benefits, debt and work problems. We are in Hackney but see residents from Bethnal Green and Hoxton too. "
    "Turkish and Polish speaking advisers on Tuesdays.",
    needs="advice benefits money-debt", at="kingsland-advice",
    sched=["TU,TH 10:00-14:00"], langs="eng tur pol", route="drop_in")

org("pna", "Poplar Neighbourhood Advice",
    "Free advice service on Poplar High Street, open to everyone in Poplar, Limehouse and the Isle of Dogs.",
    domain="poplaradvice.example.org", charity="1120075")
svc("pna-advice", "pna", "General Advice Drop-in (Poplar)",
    "Help with benefits, debt, housing, consumer problems and letters. A volunteer will see you first and book you in with a specialist adviser if you need one. "
    "Public computers and a printer are free to use while you wait.",
    needs="advice benefits housing", at="poplar-high-centre",
    sched=["MO,TU,TH 09:30-13:00"], langs="eng ben syl som", route="drop_in",
    contact=("Grace Adeyemi", "Duty adviser"))
svc("pna-evening", "pna", "Evening Advice for Working People",
    "Advice appointments after work for people who cannot come in the day: benefits top-ups, debts, tenancy problems and employment rights. "
    "Book ahead by phone or online.",
    needs="advice employment money-debt", at="poplar-high-centre",
    elig="People who work during the day and live in Poplar, Limehouse or the Isle of Dogs.",
    sched=["WE 18:00-20:30"], route="self_referral",
    ref_url="https://poplaradvice.example.org/book/", ref_phone="020 7946 0731")
svc("pna-computers", "pna", "Free Computers and Printing",
    "Use a computer for free to apply for jobs, manage your Universal Credit journal or print documents (up to 10 pages). "
    "A volunteer can help if you get stuck.",
    needs="digital-skills advice", at="poplar-high-centre",
    sched=["MO,TU,WE,TH,FR 09:30-16:30"], route="drop_in")

# --- Housing and homelessness ------------------------------------------------

org("tap", "Tower Hamlets Tenants' Advice Project",
    "Housing advice charity helping private and social tenants with repairs, deposits, rent increases, overcrowding and eviction.",
    domain="tenantsadvice.example.org", charity="1089214")
svc("tap-drop-in", "tap", "Housing Advice Drop-in",
    "Worried about repairs, mould, a rent increase or a notice to leave? Come and talk to a housing adviser. "
    "Bring your tenancy agreement, any letters or notices and photos of disrepair. We can also help you apply to the housing register.",
    needs="housing advice", at="hackney-road-shop",
    sched=["TU 10:00-13:00", "TH 14:00-17:00"], langs="eng ben syl spa", route="drop_in",
    elig="Tenants and people at risk of homelessness in Tower Hamlets.",
    contact=("Laura Petrescu", "Senior housing caseworker", "laura@tenantsadvice.example.org"))
svc("tap-eviction-clinic", "tap", "Eviction and Disrepair Legal Clinic",
    "Evening clinic with volunteer housing solicitors for tenants facing eviction, possession proceedings or serious disrepair. "
    "Appointments are 30 minutes. If you have a court date, bring the court papers.",
    needs="legal-advice housing", at="leman-street-hub",
    sched=["WE 18:00-20:30"], route="self_referral",
    ref_phone="020 7946 0736", ref_url="https://tenantsadvice.example.org/clinic/",
    ref_text="Book by phone or online. Urgent court cases are seen first.")
svc("tap-emergency-line", "tap", "Out-of-Hours Housing Emergency Line",
    "If you have been illegally evicted, locked out or have nowhere to sleep tonight, call for advice on what to do next and where to go. "
    "Evenings and weekends, when the council's day service is closed.",
    needs="housing advice",
    elig="Anyone in Tower Hamlets facing homelessness tonight or locked out of their home.",
    phones=[("0808 157 0844", "voice", "Freephone emergency line", "eng ben")],
    sched=["MO,TU,WE,TH,FR 17:00-23:00", "SA,SU 10:00-23:00"], langs="eng ben",
    route="self_referral", area="Tower Hamlets")

org("nsne", "Night Shelter Network East",
    "A network of churches, mosques and volunteers that runs a winter night shelter and helps people sleeping rough into housing.",
    domain="nightsheltereast.example.org", charity="1157731")
svc("nsne-winter-shelter", "nsne", "Winter Night Shelter",
    "Safe, warm place to sleep from November to March, with a hot evening meal, breakfast, showers and a caseworker to help you find a home. "
    "Beds must be booked through our outreach team or a homelessness service; we cannot take walk-ins at the door.",
    needs="housing food.community-meals", suit="men", at="cordelia-hall",
    sched=["MO,TU,WE,TH,FR,SA,SU 22:00-06:00 from=2026-11-02 to=2027-03-29 # Every night, 10pm to 6am the next morning, November to March."],
    langs="eng pol lit ara tir", route="professional_referral",
    ref_email="beds@nightsheltereast.example.org",
    ref_text="Outreach workers, day centres and the council's housing options team can refer. If you are sleeping rough, call our outreach line.",
    elig="Men aged 18 and over who are sleeping rough in Tower Hamlets.", ages=(18, None))
svc("nsne-outreach", "nsne", "Rough Sleeping Outreach Line",
    "If you are sleeping rough, or worried about someone who is, call or text us with where and when. "
    "Our outreach workers go out early mornings and late evenings to offer help, food and a route off the street.",
    needs="housing advice",
    elig="People sleeping rough in Tower Hamlets, and anyone worried about someone who is.",
    phones=[("0808 157 0207", "voice", "Freephone", None), ("07700 900712", "text", "Text the location of someone sleeping rough", None)],
    sched=["MO,TU,WE,TH,FR,SA,SU 06:00-23:00"], route="self_referral", area="Tower Hamlets",
    langs="eng pol")
svc("nsne-volunteer", "nsne", "Night Shelter Volunteering",
    "Volunteer an evening, overnight or breakfast shift at the winter night shelter. "
    "Full training and a volunteer handbook. You must be 18 or over; a DBS check is not needed for evening shifts.",
    needs="volunteering", at="cordelia-hall",
    sched=["MO,TU,WE,TH,FR,SA,SU 19:00-22:30 from=2026-11-02 to=2027-03-29"], ages=(18, None),
    route="self_referral", ref_url="https://nightsheltereast.example.org/volunteer/")

org("ssy", "Firm Ground Youth Housing",
    "Supported housing charity for young people aged 16 to 25 who are homeless or at risk.",
    domain="firmgroundyouth.example.org", charity="1132208")
svc("ssy-safe-house", "ssy", "Young People's Safe House",
    "Emergency short-stay accommodation for young people aged 16 to 25 who have nowhere safe to stay, for up to 28 nights. "
    "Staff are on site day and night. We work with you on a plan for longer-term housing, benefits and education.",
    needs="housing young-people", suit="young-people", at="yp-safe-house",
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59 # Staffed 24 hours a day."],
    ages=(16, 25), route="professional_referral",
    ref_phone="020 7946 0742", ref_email="referrals@firmgroundyouth.example.org",
    ref_text="Referrals from social workers, youth workers, schools and the council. Young people can also call us directly.",
    elig="Young people aged 16 to 25 with nowhere safe to stay.")
svc("ssy-tenancy", "ssy", "Ready to Rent: tenancy skills for young people",
    "A free four-session course for young people about to move into their first home: budgeting, bills, your rights as a tenant and dealing with landlords. "
    "Certificate at the end that some landlords accept as a reference.",
    needs="housing young-people money-debt", suit="young-people", at="leman-street-hub",
    sched=["M 2TU 14:00-16:30 # A new course starts on the second Tuesday of each month, 2pm to 4.30pm."], ages=(16, 25), route="self_referral",
    ref_url="https://firmgroundyouth.example.org/ready-to-rent/")

# --- Women, ESOL and immigration ---------------------------------------------

org("swc", "Spitalfields Women's Circle",
    "A women-only community organisation in Spitalfields run by and for local women, many of them Bangladeshi, offering classes, support and friendship.",
    domain="spitalfieldswomen.example.org", charity="1095577")
svc("swc-esol", "swc", "English Classes for Women (ESOL)",
    "Friendly English classes for women, from beginners to intermediate, with a free crèche for children under five. "
    "Practise speaking for shopping, the doctor and your children's school. Teachers speak Bengali and Sylheti if you get stuck. "
    "নতুনদের জন্য ইংরেজি ক্লাস: English classes for beginners.",
    needs="esol", suit="women bengali", at="old-montague-centre",
    sched=["MO,WE 10:00-12:00 from=2026-09-14 to=2027-07-16"], langs="eng ben syl",
    route="self_referral", ref_phone="020 7946 0748",
    ref_text="Phone or come in to book a short chat so we can find the right class for you.",
    elig="Women aged 19 and over whose first language is not English.", ages=(19, None))
svc("swc-sewing", "swc", "Sewing and Chat Group",
    "Learn to use a sewing machine, alter clothes and make something for your home, while you chat with other women. "
    "Machines and fabric provided. A relaxed group for all levels.",
    needs="arts-culture loneliness", suit="women", at="old-montague-centre",
    elig="Women of any age; beginners welcome.",
    sched=["TH 10:30-13:00"], langs="eng ben syl", route="drop_in",
    cost=[("Materials contribution", 1, "per session")])
svc("swc-wellbeing-cafe", "swc", "Women's Wellbeing Café",
    "A safe, women-only space to talk about how you are feeling, share tips and support each other, with a trained facilitator. "
    "Tea, snacks and sometimes a guest speaker on topics like sleep, stress or menopause.",
    needs="mental-wellbeing.peer-support mental-wellbeing", suit="women bengali", at="old-montague-centre",
    sched=["FR 10:30-12:30"], langs="eng ben syl", route="drop_in",
    elig="Women aged 18 and over.", ages=(18, None))
svc("swc-advice", "swc", "Women's Advice and Casework",
    "One-to-one help from a woman caseworker with benefits, housing, school admissions and letters, "
    "and confidential support if you are experiencing abuse at home. Appointments or drop-in.",
    needs="advice domestic-abuse benefits", suit="women", at="old-montague-centre",
    sched=["TU 10:00-15:00"], langs="eng ben syl", route="self_referral",
    ref_phone="020 7946 0748")

org("wmrc", "Whitechapel Migrant Rights Centre",
    "Free, regulated immigration and asylum advice for people on low incomes in east London, with caseworkers at OISC level 2 and 3.",
    domain="whitechapelmigrants.example.org", charity="1146385")
svc("wmrc-clinic", "wmrc", "Immigration Advice Clinic",
    "Free, confidential advice from regulated immigration advisers on visas, family applications, settlement, citizenship and the EU Settlement Scheme. "
    "Bring your passport or ID, your Home Office letters and your BRP if you have one. Interpreters can be booked.",
    needs="immigration legal-advice", suit="refugees", at="new-road-centre",
    sched=["TH 10:00-16:00"], langs="eng ben ara som tir spa por",
    route="self_referral", ref_phone="020 7946 0753",
    ref_text="Phone to book. We cannot see people without an appointment.",
    elig="People on a low income living in east London.",
    accreditations="OISC regulated advisers at level 2 and level 3.")
svc("wmrc-asylum", "wmrc", "Asylum Support and Destitution Advice",
    "Help for people seeking asylum or refused asylum who have no money or housing: applying for asylum support (section 95 and 4), "
    "appealing refusals and finding emergency help with food and a place to stay.",
    needs="immigration housing advice", suit="refugees", at="new-road-centre",
    sched=["TU 10:00-13:00"], langs="eng ara tir som", route="drop_in",
    elig="People seeking asylum, refused asylum seekers and others with no recourse to public funds.")
svc("wmrc-line", "wmrc", "Immigration Advice Line",
    "Short phone advice on immigration problems and help working out whether you need an appointment. "
    "If you have a deadline in the next two weeks, say so when you call.",
    needs="immigration advice",
    phones=[("0808 157 0912", "voice", "Freephone advice line", "eng ara ben")],
    sched=["MO,WE 14:00-17:00"], langs="eng ara ben", route="self_referral", area="East London")

org("rwth", "Newcomers' Welcome Network East",
    "A welcome network for refugees and people seeking asylum: English practice, friendship, trips and practical help with settling in.",
    domain="newcomerswelcome.example.org", charity="1178823")
svc("rwth-conversation", "rwth", "Conversation Club and Welcome Café",
    "Practise your English over tea and snacks with friendly volunteers, meet other people new to London and get help with everyday questions. "
    "All levels welcome, no need to book. Children can come with you.",
    needs="esol loneliness", suit="refugees", at="jubilee-street-centre",
    elig="Refugees, people seeking asylum and other newcomers to London.",
    sched=["SA 11:00-13:30"], langs="eng ara tir som por spa", route="drop_in")
svc("rwth-buddies", "rwth", "Welcome Buddies",
    "We match you with a volunteer buddy for six months to help you find your way around: registering with a GP, using buses, opening a bank account and finding classes. "
    "Meet weekly at a time that suits you both.",
    needs="loneliness advice volunteering", suit="refugees", at="jubilee-street-centre",
    sched=["MO,TU,WE,TH,FR 10:00-17:00 # Buddy meetings are arranged between you and your buddy; the office is open Monday to Friday, 10am to 5pm."],
    langs="eng ara tir", route="professional_referral",
    ref_email="buddies@newcomerswelcome.example.org",
    ref_text="Referrals from caseworkers, hotels' welfare officers and advice services. You can also ask at the Saturday welcome café.")

org("mee", "Mile End ESOL Project",
    "A small charity teaching English to adults in Mile End since 2009, with trained teachers and volunteer classroom assistants.",
    domain="mileendesol.example.org", charity="1130042")
svc("mee-esol-evening", "mee", "Evening ESOL Classes",
    "English classes after work, at Entry 1, Entry 2 and Entry 3 levels. Classes follow the school year and lead to a recognised ESOL qualification. "
    "Come to an assessment evening in September or January.",
    needs="esol employment", at="ackroyd-rooms",
    sched=["TU,TH 18:30-20:30 from=2026-09-15 to=2027-07-15"], langs="eng",
    cost=[("Course fee (full)", 60, "per term"), ("Course fee (on benefits)", 0, "free if you get a means-tested benefit")],
    fees="£60 a term, free if you get Universal Credit or another means-tested benefit.",
    route="self_referral", ref_url="https://mileendesol.example.org/enrol/",
    elig="Adults aged 19 and over.", ages=(19, None))
svc("mee-esol-online", "mee", "Online English Conversation Practice",
    "Small online conversation groups (up to six learners) on Zoom, to build your speaking confidence from home. "
    "You need a phone, tablet or computer with a camera. We can lend a tablet if you do not have one.",
    needs="esol digital-skills", online=True, langs="eng", phone=False,
    sched=["MO,WE 19:00-20:00"], route="self_referral",
    url="https://mileendesol.example.org/online/",
    ref_url="https://mileendesol.example.org/enrol/")

org("tkw", "Turkish and Kurdish Women's Group",
    "A self-help group of Turkish and Kurdish women in east London offering friendship, advice and activities in Turkish.",
    domain="tkwomen.example.org")
svc("tkw-group", "tkw", "Turkish-speaking Women's Group",
    "Weekly group in Turkish for women to meet, share a meal and get help with letters, GP appointments and school forms. "
    "Occasional trips and workshops on health and rights.",
    needs="loneliness advice faith-community", suit="women", at="stepney-green-hall",
    elig="Turkish- and Kurdish-speaking women living in east London.",
    sched=["WE 11:00-14:00"], langs="tur eng", route="drop_in")

org("lafe", "Latin American Families East",
    "A volunteer network supporting Spanish- and Portuguese-speaking families in east London.",
    domain="latinfamilieseast.example.org", company="12876510")
svc("lafe-advice", "lafe", "Advice and Family Support in Spanish and Portuguese",
    "Help in Spanish and Portuguese with work rights, housing, school places and registering with a GP, plus English classes for parents. "
    "Saturday sessions so that working parents can come; children are welcome.",
    needs="advice esol parenting", suit="families", at="teesdale-rooms",
    elig="Spanish- and Portuguese-speaking families living in east London.",
    sched=["SA 10:00-14:00"], langs="spa por eng", route="drop_in")

org("eecl", "Eritrean and Ethiopian Community Link",
    "Community association for Eritrean and Ethiopian people in east London, many of them refugees.",
    domain="eecommunity.example.org", charity="1165530")
svc("eecl-support", "eecl", "Tigrinya-speaking Community Support",
    "Advice and interpretation in Tigrinya for newly arrived refugees: help with Universal Credit, housing, GP registration and finding English classes. "
    "Sunday social with traditional coffee for families.",
    needs="advice immigration faith-community", suit="refugees", at="mansford-hall",
    elig="Eritrean, Ethiopian and other Tigrinya-speaking people in east London.",
    sched=["SU 13:00-17:00"], langs="tir eng ara", route="drop_in")

org("sfth", "Somali Families Forum East",
    "A community organisation supporting Somali families in Tower Hamlets with education, advice and youth work.",
    domain="somalifamilies.example.org", charity="1118746")
svc("sfth-homework", "sfth", "Homework Club and Parent Support",
    "Free homework help for children aged 7 to 16 with volunteer tutors, while parents get advice on schools, SEND support and benefits in Somali. "
    "Snacks provided.",
    needs="young-people parenting advice", suit="families", at="burdett-road-centre",
    elig="Children aged 7 to 16 and their parents, with a focus on Somali families.",
    sched=["TU,TH 16:30-18:30"], langs="som eng ara", ages=(7, 16), route="drop_in")
svc("sfth-women", "sfth", "Somali Women's Health and Wellbeing Group",
    "A monthly group for Somali women to talk about health, wellbeing and looking after family, with guest nurses and counsellors. "
    "Conversation in Somali, with light lunch.",
    needs="health-conditions mental-wellbeing", suit="women", at="burdett-road-centre",
    sched=["M 1WE 11:00-13:30"], langs="som eng", route="drop_in")

# --- Employment and digital skills ------------------------------------------

org("pwjc", "Lansbury Jobs and Skills",
    "Employment charity in Poplar helping local people into work through job clubs, training and links with local employers.",
    domain="lansburyjobs.example.org", charity="1142297")
svc("pwjc-job-club", "pwjc", "Job Club",
    "Get help with your CV, job searching, application forms and interview practice from friendly advisers. "
    "Computers and printing free. We also tell you about local vacancies at Canary Wharf and in the NHS before they are advertised widely.",
    needs="employment digital-skills", at="idea-store-chrisp",
    sched=["MO,TH 10:00-13:00"], langs="eng ben syl som", route="drop_in",
    elig="Unemployed or low-paid adults in Tower Hamlets.", ages=(18, None))
svc("pwjc-cscs", "pwjc", "Construction Skills Course (CSCS card)",
    "Two-week course to get your health and safety qualification and CSCS green card, so you can work on building sites. "
    "Free for Tower Hamlets residents who are out of work; includes a day of work experience and help applying for jobs.",
    needs="employment", suit="men", at="aberfeldy-room",
    sched=["MO,TU,WE,TH,FR 09:00-16:00 from=2027-02-01 to=2027-02-12"], ages=(18, None),
    route="self_referral", ref_url="https://lansburyjobs.example.org/cscs/",
    ref_text="Apply online. Your work coach at the Jobcentre can also refer you.")
svc("pwjc-women-work", "pwjc", "Women into Work",
    "A confidence and skills programme for women who have not worked for a while or have never worked in the UK: CV writing, "
    "interview practice, volunteering placements and childcare advice. Sessions in English with Bengali support.",
    needs="employment esol", suit="women bengali", at="aberfeldy-room",
    sched=["TU,TH 10:00-13:00"], langs="eng ben syl", route="self_referral",
    ref_phone="020 7946 0759",
    elig="Women aged 18 and over living in Tower Hamlets.", ages=(18, None))

org("lsh", "Leman Street Hub CIC",
    "Community interest company running a shared office building in Aldgate with training rooms for local charities and job seekers.",
    domain="lemanhub.example.org", company="10384417")
svc("lsh-coworking", "lsh", "Free Desk Space for Job Seekers",
    "Free desk, wifi and printing for people looking for work or setting up a small business, plus a monthly meet-up with local employers. "
    "Book a desk for a day at a time.",
    needs="employment digital-skills", at="leman-street-hub",
    sched=["MO,TU,WE,TH,FR 09:00-17:30"], route="self_referral",
    ref_url="https://lemanhub.example.org/desks/")
svc("lsh-room-hire", "lsh", "Meeting Room Hire for Charities",
    "Meeting and training rooms for 6 to 40 people at reduced rates for charities and community groups, with a screen and kitchen.",
    needs="community-spaces.hall-hire", at="leman-street-hub",
    sched=["MO,TU,WE,TH,FR 08:30-21:00"],
    cost=[("Room hire (charities)", 20, "per hour"), ("Room hire (businesses)", 55, "per hour")],
    fees="Charities £20 an hour, businesses £55 an hour.",
    route="self_referral", ref_email="rooms@lemanhub.example.org")

org("csdc", "Chrisp Street Digital Champions",
    "Volunteers who help people in Poplar and Lansbury get online and use technology with confidence.",
    domain="digitalchampions.example.org")
svc("csdc-drop-in", "csdc", "Computer and Phone Help Drop-in",
    "Bring your phone, tablet or laptop and a digital champion will help you with whatever you are stuck on: email, WhatsApp video calls, "
    "booking a GP appointment online, the NHS App or your Universal Credit account. Patient, friendly help; no question is too basic.",
    needs="digital-skills older-people", at="idea-store-chrisp",
    elig="Anyone who needs help using a phone, tablet or computer.",
    sched=["TU 14:00-16:00", "SA 10:30-12:30"], langs="eng ben syl", route="drop_in",
    contact=("Tahmid Rahman", "Volunteer coordinator"))
svc("csdc-tablet-loan", "csdc", "Tablet and Data Lending",
    "Borrow a tablet with free mobile data for up to three months, with five one-to-one lessons to get you started. "
    "For people who have no device or internet at home.",
    needs="digital-skills loneliness", at="idea-store-chrisp",
    sched=["TU 14:00-16:00"], route="professional_referral",
    ref_email="loans@digitalchampions.example.org",
    ref_text="Ask a link worker, social prescriber or support worker to refer you.",
    elig="Adults in Tower Hamlets with no device or internet at home.")
svc("csdc-online-course", "csdc", "Learn My Way Online: basic digital skills course",
    "Free short online lessons on using a mouse and keyboard, staying safe online, email and online forms, at your own pace. "
    "Sign up and a champion will check in with you by phone each week.",
    needs="digital-skills", online=True, phone=False,
    url="https://digitalchampions.example.org/learn/", route="self_referral",
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59 # Available online at any time, day or night."])

# --- Young people -------------------------------------------------------------

org("iyc", "Island Youth Collective",
    "Youth charity on the Isle of Dogs running youth clubs, sport and mentoring for young people aged 11 to 19 (up to 25 with a disability).",
    domain="islandyouth.example.org", charity="1150662")
svc("iyc-youth-club", "iyc", "Island Youth Club (11 to 19)",
    "Free youth club with football, table tennis, gaming, cooking and trips, run by qualified youth workers. "
    "A safe place to hang out with friends after school. Just come along; a parent fills in a consent form on your first visit.",
    needs="young-people physical-activity", suit="young-people", at="east-ferry-hall",
    elig="Young people aged 11 to 19 (up to 25 with a disability).",
    sched=["MO,WE,FR 18:00-21:00"], ages=(11, 19), route="drop_in",
    contact=("Marcus Bell", "Senior youth worker", "marcus@islandyouth.example.org"))
svc("iyc-girls-night", "iyc", "Girls' Night",
    "A girls-only evening: dance, cooking, beauty, sport and talks on things that matter to you, with women youth workers. "
    "Relaxed and friendly, bring a friend.",
    needs="young-people", suit="young-people women", at="east-ferry-hall",
    elig="Girls and young women aged 11 to 19.",
    sched=["TU 18:00-20:30"], ages=(11, 19), route="drop_in")
svc("iyc-cuba-street", "iyc", "Cuba Street Youth Space",
    "Drop-in youth space with games, a quiet room for homework and youth workers to talk to. "
    "CLOSED for now: the building was damaged by a burst water main. Sessions have moved to East Ferry Road Community Hall.",
    needs="young-people", suit="young-people", at="cuba-street-space",
    sched=["TU,TH 16:00-19:00"], ages=(11, 19), route="drop_in",
    status="temporarily closed",
    alert="Closed until further notice after flood damage. Tuesday and Thursday sessions have moved to East Ferry Road Community Hall, same times.")
svc("iyc-mentoring", "iyc", "One-to-One Mentoring",
    "A trained volunteer mentor meets you every week for a year to help with school, confidence, getting a job or anything on your mind. "
    "For young people who could use someone in their corner.",
    needs="young-people mental-wellbeing employment", suit="young-people", at="barkantine-centre",
    sched=["MO,TU,WE,TH 16:00-19:00"], ages=(11, 19),
    route="professional_referral", ref_email="mentoring@islandyouth.example.org",
    ref_text="Schools, social workers and parents can refer. Young people can refer themselves by email.")

org("oyt", "Harford Street Youth Trust",
    "Youth charity based at Harford Street Youth Centre on the Ocean Estate, running sport, music and youth leadership projects.",
    domain="harfordyouth.example.org", charity="1109985")
svc("oyt-football", "oyt", "Friday Night Football and Boxing",
    "Indoor football and boxing training for young people on Friday nights, with qualified coaches and youth workers. "
    "Free, and trainers and gloves are provided.",
    needs="young-people physical-activity", suit="young-people", at="harford-youth-centre",
    elig="Young people aged 11 to 19.",
    sched=["FR 18:00-21:00"], ages=(11, 19), route="drop_in")
svc("oyt-music", "oyt", "Music Studio Sessions",
    "Learn to make beats, record vocals and produce your own tracks in our studio, with a music producer. "
    "Beginners welcome. Sessions are small, so book a slot.",
    needs="young-people arts-culture", suit="young-people", at="harford-youth-centre",
    sched=["TU,WE 17:00-20:00"], ages=(13, 21), route="self_referral",
    ref_phone="07700 900714",
    ref_text="Message us on WhatsApp or ask a youth worker to book a slot.")

org("esyp", "Eric Street Youth Project",
    "A long-running youth project in Mile End offering open-access youth work, holiday programmes and support for young people.",
    domain="ericstreetyouth.example.org", charity="1086651")
svc("esyp-junior", "esyp", "Junior Youth Club (8 to 12)",
    "After-school club for younger children with arts and crafts, games, cooking and sports. A snack is provided. "
    "Parents must fill in a registration form.",
    needs="young-people parenting", suit="families", at="eric-street-project",
    elig="Children aged 8 to 12, registered by a parent or carer.",
    sched=["MO,WE 15:30-17:30"], ages=(8, 12), route="self_referral",
    cost=[("Session fee", 1, "per session")], fees="£1 a session; free for children on free school meals.")
svc("esyp-senior", "esyp", "Senior Youth Club (13 to 19)",
    "Evening youth club with a gym, music studio and games room, plus advice on college, jobs and staying safe. "
    "Drop in, no booking.",
    needs="young-people physical-activity", suit="young-people", at="eric-street-project",
    sched=["TU,TH 18:00-21:00"], ages=(13, 19), route="drop_in")

org("rbe", "Rainbow Roots East",
    "LGBTQ+ community group for east London, run by volunteers, offering social events and support groups in a safe, friendly space.",
    domain="rainbowroots.example.org")
svc("rbe-youth", "rbe", "LGBTQ+ Youth Group (14 to 21)",
    "A safe space for LGBTQ+ and questioning young people to meet, chat and take part in activities, with trained youth workers. "
    "You do not have to be out to come. Parents do not need to be told you attend.",
    needs="young-people mental-wellbeing.peer-support", suit="lgbtq young-people", at="cheshire-street-space",
    elig="LGBTQ+ and questioning young people aged 14 to 21.",
    sched=["WE 18:00-20:30"], ages=(14, 21), route="self_referral",
    ref_email="youth@rainbowroots.example.org",
    ref_text="Email us first and a youth worker will meet you before your first session.")
svc("rbe-online", "rbe", "LGBTQ+ Online Peer Support",
    "A moderated online group and chat for LGBTQ+ adults in east London: talk to people who get it, share what's going on and find local events. "
    "Sign up with a first name only.",
    needs="mental-wellbeing.peer-support loneliness", suit="lgbtq", online=True, phone=False,
    url="https://rainbowroots.example.org/chat/", route="self_referral",
    sched=["TU,TH 19:00-21:00 # Live chat with a moderator on Tuesdays and Thursdays, 7pm to 9pm."],
    ages=(18, None))
svc("rbe-social", "rbe", "LGBTQ+ Over-50s Social",
    "A monthly afternoon social for older LGBTQ+ people: tea, cake, quizzes and conversation. "
    "Step-free venue near Whitechapel station.",
    needs="loneliness older-people", suit="lgbtq older-people", at="new-road-centre",
    sched=["M -1SA 14:00-17:00"], route="drop_in", ages=(50, None))

org("shys", "Shoreditch High Street Youth Studio",
    "Music and media studio for young people in Shoreditch, open to young people from Hackney, Tower Hamlets and the City.",
    domain="shoreditchstudio.example.org", company="09775321")
svc("shys-media", "shys", "Film and Podcast Club for Young People",
    "Learn to film, edit and make podcasts with professional equipment and mentors. "
    "We are just outside Tower Hamlets, five minutes from Shoreditch High Street station.",
    needs="young-people arts-culture digital-skills", suit="young-people", at="shoreditch-studio",
    sched=["WE,TH 17:00-20:00"], ages=(14, 25), route="self_referral",
    ref_url="https://shoreditchstudio.example.org/join/")

# --- Mental wellbeing --------------------------------------------------------

org("bmb", "Bow Mind and Body",
    "Community counselling service in Bow offering low-cost and free talking therapies in English, Bengali and Sylheti.",
    domain="bowmindbody.example.org", charity="1127764")
svc("bmb-counselling", "bmb", "Low-Cost Counselling",
    "Twelve weekly sessions with a qualified or final-year trainee counsellor, for anxiety, depression, relationship problems, stress and low self-esteem. "
    "You pay what you can afford on a sliding scale. Fill in a short form and we will offer you an assessment within three weeks.",
    needs="mental-wellbeing.counselling mental-wellbeing", at="roman-road-hub",
    sched=["MO,TU,WE,TH 10:00-20:00", "SA 10:00-14:00"], langs="eng ben syl pol",
    cost=[("Counselling session (sliding scale, lowest)", 5, "per session"),
          ("Counselling session (sliding scale, highest)", 35, "per session")],
    fees="£5 to £35 a session depending on income. Nobody is refused because they cannot pay.",
    route="self_referral", ref_url="https://bowmindbody.example.org/refer/",
    ref_text="Fill in the self-referral form online or ask your GP or link worker to refer you.",
    elig="Adults aged 18 and over living or working in Tower Hamlets.", ages=(18, None),
    accreditations="Counsellors are members of the BACP and work to its ethical framework.")
svc("bmb-bengali", "bmb", "Bengali and Sylheti Counselling (মনের কথা)",
    "Free counselling in Bengali or Sylheti with a counsellor who understands your culture and family life. "
    "Sessions can be at our Roman Road centre or by phone. Women can ask for a woman counsellor.",
    needs="mental-wellbeing.counselling", suit="bengali", at="roman-road-hub",
    elig="Adults in Tower Hamlets who would prefer counselling in Bengali or Sylheti.",
    sched=["TU,TH 10:00-17:00"], langs="ben syl eng",
    route="self_referral", ref_phone="020 7946 0764",
    ref_text="Call and leave your name and number; a Bengali-speaking worker will call you back within two working days.",
    contact=("Shamima Akhtar", "Bengali counselling lead"))
svc("bmb-mindfulness", "bmb", "Mindfulness for Stress course",
    "An eight-week mindfulness course to help with stress, worry and sleep, in a small group. "
    "No experience needed. Wear comfortable clothes; mats and cushions are provided.",
    needs="mental-wellbeing", at="malmesbury-hall",
    sched=["MO 18:30-20:30 from=2027-01-11 to=2027-03-01"],
    cost=[("Course fee", 40, "for eight sessions"), ("Concession", 0, "free for people on benefits")],
    fees="£40 for the course, free if you receive benefits.", route="self_referral",
    ref_url="https://bowmindbody.example.org/mindfulness/")

org("sps", "Stepney Peer Support",
    "A user-led group run by people with their own experience of mental health problems, meeting in Stepney since 2012.",
    domain="stepneypeers.example.org")
svc("sps-group", "sps", "Mental Health Peer Support Group",
    "A friendly group where you can talk openly about your mental health with others who have been there. "
    "Facilitated by trained peer supporters. You can just listen if you prefer. Tea, biscuits and no judgement.",
    needs="mental-wellbeing.peer-support loneliness", at="jubilee-street-centre",
    sched=["MO 18:00-20:00", "TH 13:00-15:00"], route="drop_in",
    elig="Adults with experience of mental health problems.", ages=(18, None))
svc("sps-hearing-voices", "sps", "Hearing Voices Group",
    "A safe, confidential group for people who hear voices, see visions or have other unusual experiences, to share and learn ways of coping. "
    "Run by people with lived experience.",
    needs="mental-wellbeing.peer-support mental-wellbeing", at="stepney-green-hall",
    sched=["M 2WE 14:00-16:00", "M 4WE 14:00-16:00"], route="self_referral",
    ref_phone="07700 900716", ages=(18, None))

org("elll", "East London Listening Line",
    "A volunteer-run listening service for anyone in east London who is struggling, lonely or just needs someone to talk to.",
    domain="listeningline.example.org", charity="1093310", phone=False)
svc("elll-line", "elll", "24-hour Listening Line: someone to talk to",
    "Call any time, day or night, to talk to a trained volunteer about anything on your mind: loneliness, stress, feeling low or thoughts of suicide. "
    "We listen without judging and you do not have to give your name. Free from mobiles and landlines.",
    needs="mental-wellbeing loneliness", langs="eng ben syl",
    phones=[("0808 157 0247", "voice", "Freephone, 24 hours", "eng ben syl"),
            ("07700 900247", "text", "Text support, replies within a few hours", None)],
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59"], route="self_referral", area="Tower Hamlets",
    url="https://listeningline.example.org/")
svc("elll-volunteer", "elll", "Become a Listening Volunteer",
    "Train to answer the listening line: 30 hours of training, then one four-hour shift a week, day or night. "
    "Great if you are patient, kind and good at listening.",
    needs="volunteering mental-wellbeing", online=True, phone=False,
    url="https://listeningline.example.org/volunteer/", route="self_referral",
    ages=(18, None))

org("bwt", "Bancroft Wellbeing Trust",
    "A wellbeing centre in Bethnal Green providing counselling, groups and a quiet space for people in emotional distress.",
    domain="bancroftwellbeing.example.org", charity="1111403")
svc("bwt-young-counselling", "bwt", "Counselling for Young People (16 to 25)",
    "Free, confidential counselling for young people, in person or by video call, for up to 16 weeks. "
    "Talk about anything: exam stress, family, relationships, identity, self-harm. Your GP or parents do not need to know.",
    needs="mental-wellbeing.counselling young-people", suit="young-people", at="bancroft-hub",
    sched=["MO,TU,WE,TH 12:00-20:00"], ages=(16, 25),
    route="self_referral", ref_url="https://bancroftwellbeing.example.org/young/",
    ref_text="Refer yourself online or by phone. Schools and GPs can refer with your permission.")
svc("bwt-crisis-cafe", "bwt", "Evening Crisis Café",
    "A calm, welcoming place to go in the evening if you are struggling with your mental health and want to avoid A&E. "
    "Talk to a mental health worker over a hot drink. No appointment needed.",
    needs="mental-wellbeing", at="bancroft-hub",
    sched=["MO,TU,WE,TH,FR,SA,SU 18:00-23:00"], route="drop_in", ages=(18, None),
    elig="Adults in Tower Hamlets in emotional distress.")
svc("bwt-online", "bwt", "Online Counselling",
    "Counselling by secure video call or instant message, for adults who cannot easily get to a centre. "
    "Six to twelve sessions, free for Tower Hamlets residents.",
    needs="mental-wellbeing.counselling", online=True,
    url="https://bancroftwellbeing.example.org/online/", route="self_referral",
    sched=["MO,TU,WE,TH,FR 09:00-21:00"], ages=(18, None))

org("iwc", "Island Wellbeing Collective",
    "Therapists and community workers on the Isle of Dogs offering counselling and wellbeing groups in quiet rooms at Crossharbour.",
    domain="islandwellbeing.example.org", company="13220974")
svc("iwc-counselling", "iwc", "Island Counselling Service",
    "Short-term counselling (six to ten sessions) for adults on the Isle of Dogs, free if you are on a low income. "
    "Your GP or a link worker can refer you, or you can refer yourself.",
    needs="mental-wellbeing.counselling", at="crossharbour-rooms",
    elig="Adults aged 18 and over registered with a GP on the Isle of Dogs.",
    sched=["TU,WE,TH 09:30-18:00"], langs="eng ben pol lit",
    cost=[("Counselling session", 0, "free if you are on a low income"),
          ("Counselling session (waged)", 20, "per session")],
    route="professional_referral", ref_email="referrals@islandwellbeing.example.org",
    ref_text="GPs and link workers refer by email; self-referral by phone.",
    ref_phone="020 7946 0767")
svc("iwc-menopause", "iwc", "Menopause Wellbeing Group",
    "A supportive monthly group for women going through the perimenopause and menopause, with a nurse speaker each month. "
    "Share experiences, get information and feel less alone.",
    needs="health-conditions mental-wellbeing.peer-support", suit="women", at="crossharbour-rooms",
    sched=["M 3TH 18:30-20:00"], route="drop_in")

# --- Domestic abuse -----------------------------------------------------------

org("sahel", "Safe at Home East London",
    "Specialist domestic abuse charity supporting women, men and children in east London through a helpline, refuges and community outreach.",
    domain="safeathome.example.org", charity="1069918", phone=False)
svc("sahel-helpline", "sahel", "24-hour Domestic Abuse Helpline",
    "If someone close to you is hurting, scaring or controlling you, you can call us any time, day or night. "
    "We will listen, help you think about your safety and tell you about refuges and other options. Calls are free and confidential. "
    "In an emergency, call 999.",
    needs="domestic-abuse", langs="eng ben syl urd som",
    phones=[("0808 157 0333", "voice", "Freephone, 24 hours, free and confidential", "eng ben syl urd som"),
            ("07700 900333", "text", "Text if it is not safe to talk", None)],
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59"], route="self_referral", area="Tower Hamlets",
    url="https://safeathome.example.org/", elig="Anyone affected by domestic abuse.")
svc("sahel-bow-refuge", "sahel", "Refuge Accommodation for Women and Children (Bow)",
    "Safe, confidential housing for women and their children escaping domestic abuse, with a key worker, children's worker and help with benefits, "
    "legal protection and moving on. The address is kept secret. To get a place, call the 24-hour helpline.",
    needs="domestic-abuse housing", suit="women families", at="bow-refuge",
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59 # Staff on call 24 hours a day."],
    langs="eng ben syl", route="self_referral",
    ref_phone="0808 157 0333", ref_text="Call the 24-hour helpline to ask about a refuge space.",
    elig="Women, with or without children, escaping domestic abuse.", ages=(18, None))
svc("sahel-island-refuge", "sahel", "Refuge Accommodation for Women (Isle of Dogs)",
    "A small refuge with eight flats for women escaping abuse, including a flat adapted for wheelchair users. "
    "The address is confidential. Referral through the 24-hour helpline or any domestic abuse service.",
    needs="domestic-abuse housing disability", suit="women disabled", at="island-refuge",
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59 # Staff on call 24 hours a day."],
    route="professional_referral", ref_phone="0808 157 0333",
    elig="Women aged 18 and over escaping domestic abuse.", ages=(18, None))
svc("sahel-outreach", "sahel", "Domestic Abuse Drop-in and Outreach",
    "Talk face-to-face to a domestic abuse worker in a private room, without an appointment. "
    "We help with safety planning, injunctions, housing and reporting to the police if you choose to. Men are welcome too.",
    needs="domestic-abuse legal-advice", at="new-road-centre",
    elig="Anyone affected by domestic abuse, of any gender.",
    sched=["WE 10:00-14:00"], langs="eng ben syl", route="drop_in",
    contact=("Nasreen Choudhury", "Outreach team leader"))
svc("sahel-men", "sahel", "Support for Men Experiencing Domestic Abuse",
    "Confidential one-to-one support for men affected by domestic abuse from a partner or family member, by phone or face-to-face. "
    "You will be believed.",
    needs="domestic-abuse mental-wellbeing", suit="men",
    elig="Men aged 16 and over affected by domestic abuse.",
    phones=[("0808 157 0334", "voice", "Freephone for men", None)],
    sched=["MO,TU,WE,TH,FR 09:00-17:00"], route="self_referral", area="Tower Hamlets")

org("amar", "Amar Ghor Women's Project",
    "A project run by South Asian women for South Asian women and children escaping abuse, including forced marriage and so-called honour-based abuse. "
    "Amar Ghor means 'my home' in Bengali.",
    domain="amarghor.example.org", charity="1102264")
svc("amar-refuge", "amar", "Refuge for South Asian Women and Children",
    "Confidential refuge for South Asian women and their children, with staff who speak Bengali, Sylheti, Urdu and Hindi and understand family and community pressures. "
    "Support with immigration status, benefits and rebuilding your life. We accept women with no recourse to public funds when we can.",
    needs="domestic-abuse housing", suit="women bengali", at="limehouse-refuge",
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59 # Staffed 24 hours a day."],
    langs="ben syl urd eng", route="self_referral",
    ref_phone="020 7946 0771", ref_text="Call our office in confidence, or ask any domestic abuse service to refer you.",
    ages=(16, None))
svc("amar-forced-marriage", "amar", "Forced Marriage and Honour-based Abuse Advice",
    "Confidential advice for young people and adults who are being forced or pressured into marriage, or are at risk of honour-based abuse, and for friends and professionals worried about someone.",
    needs="domestic-abuse young-people legal-advice", suit="women young-people",
    phones=[("020 7946 0771", "voice", "Confidential advice line", "ben syl urd eng")],
    sched=["MO,TU,WE,TH,FR 09:30-17:30"], langs="ben syl urd eng",
    route="self_referral", area="East London")

# --- Carers -------------------------------------------------------------------

org("lcn", "Limehouse Carers Network",
    "A network of unpaid carers in Limehouse and Poplar who support each other, run groups and campaign for carers' rights.",
    domain="limehousecarers.example.org", charity="1139901")
svc("lcn-support", "lcn", "Carers' Support and Advice",
    "If you look after someone who is ill, disabled, elderly or has a mental health problem or addiction, you are a carer and we can help. "
    "Get advice on carer's allowance, carer's assessments and breaks, or just talk to someone who understands.",
    needs="carers advice benefits", suit="carers", at="three-colt-rooms",
    elig="Unpaid carers of any age living in Limehouse or Poplar, or caring for someone who lives there.",
    sched=["MO,TU,WE,TH 10:00-16:00"], langs="eng ben syl yue", route="self_referral",
    ref_phone="020 7946 0776", ref_text="Phone or pop in to register as a carer; it takes about 20 minutes.",
    contact=("Helen Osei", "Carers' support worker", "helen@limehousecarers.example.org"))
svc("lcn-coffee", "lcn", "Carers' Coffee Morning",
    "Monthly coffee morning for carers to take a break, meet other carers and hear from a guest speaker. "
    "If you cannot leave the person you care for, ask us about a sitting service for the morning.",
    needs="carers loneliness", suit="carers", at="causeway-hall",
    sched=["M 1TU 10:00-12:00"], route="drop_in", langs="eng ben syl")
svc("lcn-online-forum", "lcn", "Carers' Online Forum",
    "A private online forum for carers in Tower Hamlets, moderated by staff: ask questions, share tips and find out about events any time.",
    needs="carers mental-wellbeing.peer-support", suit="carers", online=True, phone=False,
    url="https://limehousecarers.example.org/forum/", route="self_referral")

org("eech", "East End Carers Hub",
    "Carers' centre on Redmans Road supporting adult carers and their families across Tower Hamlets.",
    domain="eastendcarers.example.org", charity="1097733")
svc("eech-drop-in", "eech", "Carers' Drop-in Lounge",
    "Relax in our lounge, use the computers and talk to a carers' worker about whatever is worrying you. "
    "Free massage and relaxation sessions for carers on Wednesdays.",
    needs="carers mental-wellbeing", suit="carers", at="redmans-road-centre",
    elig="Adult carers living in Tower Hamlets.",
    sched=["MO,TU,WE,TH,FR 10:00-16:00"], langs="eng ben syl som", route="drop_in")
svc("eech-helpline", "eech", "Carers' Advice Line",
    "Phone advice for carers on benefits, carer's assessments, respite and what to do in an emergency. Evening line on Thursdays for working carers.",
    needs="carers advice benefits", suit="carers",
    phones=[("0808 157 0420", "voice", "Freephone carers' line", "eng ben syl")],
    sched=["MO,TU,WE,TH,FR 09:30-16:30", "TH 18:00-20:00"], langs="eng ben syl",
    route="self_referral", area="Tower Hamlets")
svc("eech-breaks", "eech", "Short Breaks for Carers",
    "Small grants and funded activities so that carers can have a break: a day trip, a class, a gym membership or a weekend away. "
    "You need a carer's assessment first; we can help you get one.",
    needs="carers", suit="carers", at="redmans-road-centre",
    sched=["MO,TU,WE,TH,FR 10:00-16:00"],
    route="professional_referral", ref_email="breaks@eastendcarers.example.org",
    ref_text="Social workers and carers' workers apply on your behalf.")

org("eeyc", "East End Young Carers",
    "Charity supporting children and young people aged 8 to 18 who look after a family member.",
    domain="eastendyoungcarers.example.org", charity="1125518")
svc("eeyc-club", "eeyc", "Young Carers' Club",
    "Fun activities, trips and time off from caring for young carers aged 8 to 18, plus a young carers' worker to talk to. "
    "Meet others who understand what it's like.",
    needs="carers young-people", suit="carers young-people", at="st-leonards-hub",
    elig="Young carers aged 8 to 18 living in Tower Hamlets.",
    sched=["WE 16:30-18:30", "M 2SA 11:00-15:00"], ages=(8, 18),
    route="self_referral", ref_phone="020 7946 0779",
    ref_text="Young carers, parents, schools and social workers can refer.")
svc("eeyc-school", "eeyc", "Young Carers in Schools Support",
    "A young carers' worker visits your school to talk one-to-one and to help teachers understand your caring role, so that you get support with homework and attendance.",
    needs="carers young-people", suit="carers young-people", area="Tower Hamlets", phone=True,
    sched=["MO,TU,WE,TH,FR 09:00-15:30 # Monday to Friday, 9am to 3.30pm, during school terms."], ages=(8, 18),
    route="professional_referral", ref_email="schools@eastendyoungcarers.example.org")

# --- Older people and loneliness ---------------------------------------------

org("sea", "Sylheti Elders Association",
    "An association of Bangladeshi elders in Stepney and Limehouse, offering a day centre, prayers, health talks and trips in Sylheti and Bengali.",
    domain="sylhetielders.example.org", charity="1084420")
svc("sea-day-centre", "sea", "Elders' Day Centre (বয়স্কদের কেন্দ্র)",
    "A day centre for Bangladeshi elders with a hot halal lunch, prayer space, chair exercise, health checks and help with letters and forms. "
    "Conversation in Sylheti and Bengali. Transport available for people who cannot travel alone.",
    needs="older-people loneliness food.community-meals", suit="older-people bengali", at="aston-street-rooms",
    elig="Bangladeshi elders aged 55 and over and their carers.",
    sched=["MO,TU,WE,TH 10:30-15:00"], langs="syl ben eng",
    cost=[("Lunch", 2.5, "per day")], fees="£2.50 for lunch. Activities are free.",
    route="self_referral", ref_phone="020 7946 0782", ages=(55, None),
    contact=("Abdul Mannan", "Day centre manager"))
svc("sea-health-talks", "sea", "Health Talks for Elders (Diabetes and Heart)",
    "Monthly talks in Sylheti with a nurse or pharmacist about diabetes, blood pressure, heart health and medicines, with free blood pressure checks.",
    needs="health-conditions older-people", suit="older-people bengali", at="aston-street-rooms",
    sched=["M 3MO 11:00-12:30"], langs="syl ben", route="drop_in", ages=(50, None))

org("wrs", "Wapping Riverside Seniors",
    "A friendly club for older residents of Wapping and St Katharine's, run from the Green Bank centre since 1985.",
    domain="wappingseniors.example.org", charity="1004412")
svc("wrs-club", "wrs", "Wapping Over-60s Club",
    "Cards, dominoes, quizzes, a cooked lunch and outings to the seaside in summer. "
    "New members always welcome: come for a free first lunch.",
    needs="older-people loneliness food.community-meals", suit="older-people", at="green-bank-centre",
    elig="People aged 60 and over in Wapping and St Katharine's.",
    sched=["TU,TH 11:00-15:00"],
    cost=[("Annual membership", 10, "per year"), ("Lunch", 3.5, "per meal")],
    fees="£10 a year to join; lunch £3.50.", route="drop_in", ages=(60, None))
svc("wrs-chair-exercise", "wrs", "Chair Exercise and Falls Prevention",
    "Gentle seated exercise to music to improve strength and balance and help prevent falls. Suitable if you use a walking stick or frame. "
    "Led by a qualified instructor.",
    needs="physical-activity older-people health-conditions", suit="older-people", at="green-bank-centre",
    sched=["WE 10:30-11:30"], cost=[("Class", 2, "per class")], fees="£2 a class.",
    route="drop_in", ages=(60, None))
svc("wrs-lunch-closed", "wrs", "Wapping Lane Friday Lunch",
    "Friday community lunch for older people in the hall on Wapping Lane. "
    "Temporarily closed while the hall is refurbished; Friday lunch has moved to the Green Bank centre.",
    needs="food.community-meals older-people", suit="older-people", at="wapping-lane-hall",
    sched=["FR 12:00-14:00"], route="drop_in", ages=(60, None),
    status="temporarily closed",
    alert="Wapping Lane Community Hall is closed for refurbishment until March 2027. Friday lunch runs at the Green Bank Older People's Centre in the meantime.")

org("idgn", "Isle of Dogs Good Neighbours",
    "Volunteer befriending scheme matching older and isolated people on the Isle of Dogs with local volunteers.",
    domain="islandneighbours.example.org", charity="1133476")
svc("idgn-befriending", "idgn", "Befriending: Home Visits and Phone Calls",
    "A friendly volunteer visits you at home once a week for a chat, a cup of tea or a short walk, or calls you on the phone if you prefer. "
    "For older people who feel lonely or do not get out much.",
    needs="loneliness older-people volunteering", suit="older-people", at="prestons-centre",
    elig="People aged 60 and over living on the Isle of Dogs who feel lonely or isolated.",
    sched=["MO,TU,WE,TH,FR 10:00-16:00 # Office open Monday to Friday, 10am to 4pm; visits are at a time that suits you."],
    langs="eng ben syl yue", route="self_referral", ref_phone="020 7946 0785",
    ref_text="You, a relative, your GP or a link worker can refer you by phone.",
    area=["Isle of Dogs", "Cubitt Town", "Millwall"], ages=(60, None))
svc("idgn-call-a-friend", "idgn", "Call a Friend Telephone Befriending Line",
    "Sign up for a regular chat on the phone with a volunteer, at the same time each week. "
    "Good for people who are housebound or find it hard to go out.",
    needs="loneliness older-people",
    phones=[("0808 157 0736", "voice", "Freephone to sign up", "eng ben")],
    sched=["MO,TU,WE,TH,FR 10:00-18:00"], langs="eng ben", route="self_referral",
    area="Tower Hamlets", ages=(55, None))
svc("idgn-tea-party", "idgn", "Sunday Tea Party",
    "A monthly Sunday afternoon tea with sandwiches, cake and live music for older people who might otherwise spend Sunday alone. "
    "Volunteer drivers can collect you.",
    needs="loneliness older-people", suit="older-people", at="prestons-centre",
    sched=["M -1SU 14:00-16:30"], route="self_referral", ref_phone="020 7946 0785", ages=(60, None))

org("cel", "Limehouse Chinese Elders",
    "Community association for Chinese elders in Limehouse, the home of London's first Chinatown.",
    domain="limehousechineseelders.example.org", charity="1061143")
svc("cel-lunch", "cel", "Chinese Elders' Lunch Club",
    "A weekly Chinese lunch, tai chi, mahjong and help with letters and health appointments in Cantonese and Mandarin. "
    "Everyone welcome, including people who are not Chinese.",
    needs="older-people food.community-meals physical-activity", suit="older-people", at="causeway-hall",
    sched=["TH 10:00-14:30"], langs="yue zho eng", cost=[("Lunch", 3, "per meal")],
    route="drop_in", ages=(55, None))

org("pmw", "Poplar Men's Workshop",
    "A community workshop where men come together to make, mend and chat, based on the men's shed idea.",
    domain="poplarmensworkshop.example.org")
svc("pmw-workshop", "pmw", "Men's Workshop: make, mend and chat",
    "Woodwork, bike repairs and small building projects for men who want to keep busy, share skills and have a laugh. "
    "Many members are retired or between jobs. Tools and safety gear provided; no experience needed.",
    needs="loneliness mental-wellbeing older-people", suit="men", at="woolmore-room",
    elig="Men aged 18 and over; many members are retired.",
    sched=["TU,FR 10:00-15:00"], route="drop_in",
    cost=[("Session contribution", 2, "per session, includes tea")], ages=(18, None))

# --- Disability and health conditions ----------------------------------------

org("ate", "Access Together East",
    "A disabled people's organisation run by and for disabled people in Tower Hamlets, giving advice and campaigning for access.",
    domain="accesstogether.example.org", charity="1116630")
svc("ate-advice", "ate", "Disability Advice Service",
    "Advice from disabled advisers on PIP, blue badges, Freedom Passes, adaptations at home, social care and your rights under the Equality Act. "
    "Appointments at our office, by phone or at home if you cannot travel. Easy Read information available.",
    needs="disability benefits advice", suit="disabled", at="burdett-road-centre",
    elig="Disabled people, Deaf people and people with long-term health conditions in Tower Hamlets, and their carers.",
    sched=["MO,TU,WE 10:00-16:00"], langs="eng ben bfi",
    route="self_referral", ref_phone="020 7946 0788",
    ref_text="Call, email or ask someone to contact us for you. BSL users can book by video relay.",
    ref_email="advice@accesstogether.example.org",
    phones=[("020 7946 0788", "voice", "Advice line", None), ("07700 900788", "text", "Text or WhatsApp for Deaf and hard of hearing people", None)])
svc("ate-wheelchair-sports", "ate", "Inclusive Sports Session",
    "Wheelchair basketball, boccia and seated volleyball for disabled and non-disabled adults, with sports wheelchairs to borrow. "
    "All abilities welcome.",
    needs="physical-activity disability", suit="disabled", at="bow-common-sports",
    sched=["SA 10:00-12:00"], cost=[("Session", 3, "per session")], fees="£3 a session; carers free.",
    route="drop_in", ages=(16, None))

org("eldc", "Stepney Deaf Social Club",
    "A social club and advice service for Deaf people, run in British Sign Language.",
    domain="stepneydeafclub.example.org", charity="1025536")
svc("eldc-social", "eldc", "Deaf Social Club (BSL)",
    "A monthly evening social for Deaf people and BSL users: food, games and catching up with friends. "
    "Hearing people who sign are welcome.",
    needs="disability loneliness", suit="disabled", at="cable-street-rooms",
    elig="Deaf people, BSL users and their friends.",
    sched=["M 1FR 18:30-22:00"], langs="bfi eng", route="drop_in",
    phones=[("07700 900790", "text", "Text or video call only", "bfi")])
svc("eldc-advice", "eldc", "BSL Advice Sessions",
    "Advice in British Sign Language on benefits, housing, access to work and complaints about missing interpreters at health appointments. "
    "Book a session by text or video call.",
    needs="disability advice", suit="disabled", at="cable-street-rooms",
    sched=["TU 13:00-16:00"], langs="bfi", route="self_referral",
    ref_phone="07700 900790",
    phone=False, phones=[("07700 900790", "text", "Text or video call to book", "bfi")])

org("bsa", "Fish Island Open Arts",
    "Arts charity for adults with learning disabilities, making art, music and theatre together in Fish Island.",
    domain="fishislandopenarts.example.org", charity="1147219")
svc("bsa-studio", "bsa", "Art Studio for Adults with Learning Disabilities",
    "Painting, printmaking, pottery and textiles with professional artists, in a supported studio. "
    "Members exhibit their work twice a year. Support workers are welcome to come along.",
    needs="arts-culture disability", suit="learning-disabilities", at="fish-island-yard",
    elig="Adults aged 18 and over with a learning disability.",
    sched=["MO,WE 10:30-15:00"], cost=[("Studio day", 8, "per day")],
    fees="£8 a day; we can help you use your personal budget.",
    route="self_referral", ref_phone="020 7946 0793", ages=(18, None))
svc("bsa-disco", "bsa", "Friday Night Disco and Social",
    "A monthly disco and social for adults with learning disabilities and their friends: music, dancing, snacks and karaoke. "
    "Carers and support workers come in free.",
    needs="loneliness disability arts-culture", suit="learning-disabilities", at="old-ford-hall",
    sched=["M -1FR 18:30-21:30"], cost=[("Entry", 4, "per person")], route="drop_in", ages=(18, None))
svc("bsa-drama", "bsa", "Inclusive Drama Group",
    "Weekly drama workshops for adults with learning disabilities, building confidence, friendships and an end-of-year show.",
    needs="arts-culture disability", suit="learning-disabilities", at="fish-island-yard",
    sched=["TH 13:30-15:30"], cost=[("Session", 5, "per session")],
    route="self_referral", ref_phone="020 7946 0793", ages=(18, None),
    status="temporarily closed",
    alert="No sessions this term while our drama worker is on leave. The group restarts in January 2027; call us to keep your place.")

org("hhe", "Healthy Hearts East",
    "Community health charity helping people in east London manage long-term conditions such as diabetes, heart disease and lung disease.",
    domain="healthyheartseast.example.org", charity="1159976")
svc("hhe-diabetes", "hhe", "Living Well with Diabetes Group (Bengali and English)",
    "A friendly group for people with type 2 diabetes and their families: healthy eating the Bangladeshi way, exercise, medicines and checking your feet. "
    "Sessions in Bengali/Sylheti and English, with a diabetes nurse.",
    needs="health-conditions food", suit="bengali", at="jubilee-street-centre",
    elig="People with type 2 diabetes or prediabetes, and their families.",
    sched=["M 2TU 11:00-13:00"], langs="ben syl eng", route="self_referral",
    ref_phone="020 7946 0796", ref_text="Refer yourself by phone or ask your GP practice.")
svc("hhe-breathe", "hhe", "Better Breathing Club",
    "Singing and gentle exercise for people living with COPD, asthma or long Covid, to help you breathe more easily and meet others. "
    "Led by a trained singing leader and a physiotherapist.",
    needs="health-conditions physical-activity", at="poplar-high-centre",
    elig="Adults living with COPD, asthma, long Covid or another lung condition.",
    sched=["TH 14:00-15:30"], route="drop_in", ages=(18, None))
svc("hhe-walks", "hhe", "Heart Health Walks",
    "Free, gentle 45-minute walks led by trained walk leaders, at a pace that suits everyone. Good for your heart, mood and making friends. "
    "Meet at the café by the lake; wear comfortable shoes.",
    needs="physical-activity health-conditions", at="victoria-park",
    sched=["MO,TH 10:30-11:30"], route="drop_in")
svc("hhe-online", "hhe", "Online Health Check Booking and Self-help Guides",
    "Check your risk of heart disease and diabetes online, book a free community NHS health check if you are 40 to 74, "
    "and read simple guides on blood pressure and cholesterol in English and Bengali.",
    needs="health-conditions", online=True, langs="eng ben", phone=False,
    url="https://healthyheartseast.example.org/check/", route="self_referral")

org("elsc", "East London Sickle Cell Circle",
    "Patient-led support group for people living with sickle cell disorder and thalassaemia, and their families.",
    domain="sicklecellcircle.example.org", charity="1173358")
svc("elsc-group", "elsc", "Sickle Cell Support Group",
    "A monthly support group where people living with sickle cell and their families share experiences, hear from haematology nurses and get advice on benefits, school and work.",
    needs="health-conditions mental-wellbeing.peer-support", at="leman-street-hub",
    sched=["M 2SA 13:00-15:30"], route="drop_in")

org("cfpe", "Crossharbour Family Physio and Exercise",
    "A small community interest company running exercise-on-referral classes on the Isle of Dogs.",
    domain="crossharbourexercise.example.org", company="12004418")
svc("cfpe-back-pain", "cfpe", "Back and Joint Pain Exercise Class",
    "A six-week class for people with back pain, arthritis or joint problems, led by a physiotherapist: safe exercises to do at home and tips on pain and sleep.",
    needs="health-conditions physical-activity", at="crossharbour-rooms",
    sched=["FR 10:00-11:00"], route="professional_referral",
    ref_email="referrals@crossharbourexercise.example.org",
    ref_text="Referral from your GP, physiotherapist or social prescribing link worker.",
    cost=[("Course (six weeks)", 0, "free with a referral")], ages=(18, None))

# --- Bereavement --------------------------------------------------------------

org("lbs", "Limehouse Bereavement Service",
    "Bereavement charity offering counselling and support groups to anyone in Tower Hamlets affected by a death.",
    domain="limehousebereavement.example.org", charity="1090817")
svc("lbs-counselling", "lbs", "Bereavement Counselling",
    "Up to twelve sessions with a trained bereavement counsellor after the death of someone close to you, however long ago it happened. "
    "In person or by phone. Free.",
    needs="bereavement mental-wellbeing.counselling", at="three-colt-rooms",
    elig="Adults in Tower Hamlets who have been bereaved, however long ago.",
    sched=["MO,TU,WE 10:00-19:00"], langs="eng ben syl",
    route="self_referral", ref_phone="020 7946 0799",
    ref_text="Call and leave a message; we will call back within a week to arrange a first conversation.")
svc("lbs-cafe", "lbs", "Bereavement Café",
    "A relaxed monthly café where people who have lost someone can talk, or just sit with others who understand, over tea and cake. "
    "No need to book.",
    needs="bereavement loneliness", at="causeway-hall",
    sched=["M 3SA 10:30-12:30"], route="drop_in")
svc("lbs-children", "lbs", "Support for Bereaved Children and Families",
    "Play-based support for children and teenagers after the death of a parent, brother, sister or friend, with advice for parents on how to help.",
    needs="bereavement parenting young-people", suit="families", at="salmon-lane-hub",
    elig="Bereaved children and young people aged 4 to 18 and their families.",
    sched=["WE 15:30-18:00"], ages=(4, 18),
    route="self_referral", ref_phone="020 7946 0799")
svc("lbs-line", "lbs", "Bereavement Support Line",
    "Someone to talk to by phone after a death, and practical information about registering a death, funerals and what to do next.",
    needs="bereavement advice",
    phones=[("0808 157 0515", "voice", "Freephone", "eng ben")],
    sched=["MO,TU,WE,TH,FR 10:00-16:00", "TU 18:00-21:00"], langs="eng ben",
    route="self_referral", area="Tower Hamlets")

org("mfs", "Muslim Funeral and Bereavement Support East",
    "Volunteers from local mosques who help Muslim families with funeral arrangements and bereavement support.",
    domain="muslimfuneralsupport.example.org")
svc("mfs-support", "mfs", "Funeral Arrangements and Bereavement Support for Muslim Families",
    "Practical help after a death: releasing the body quickly, registering the death, ghusl, janazah prayers and burial or repatriation, "
    "plus visits and support for the family afterwards. Advice in Bengali, Sylheti, Urdu and Somali.",
    needs="bereavement faith-community", at="aston-street-rooms",
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59 # Phone line answered 24 hours a day, including weekends."],
    langs="ben syl urd som ara eng",
    phones=[("020 7946 0802", "voice", "24-hour line", "ben syl urd")], route="self_referral")

# --- Drugs and alcohol --------------------------------------------------------

org("rre", "Reset Recovery East",
    "Community recovery charity for people affected by drugs, alcohol and gambling, run with people in recovery.",
    domain="resetrecovery.example.org", charity="1152284")
svc("rre-drop-in", "rre", "Recovery Drop-in",
    "Talk to a recovery worker about your drinking, drug use or gambling, without judgement. "
    "We can help you cut down or stop, get a health check, and link you with treatment, housing and benefits advice.",
    needs="drugs-alcohol", at="new-road-centre",
    sched=["MO,WE,FR 10:00-15:00"], langs="eng ben syl pol lit", route="drop_in",
    elig="Adults aged 18 and over.", ages=(18, None))
svc("rre-peer", "rre", "Recovery Peer Support Group",
    "Evening mutual aid group for people in recovery, led by people who have been there. Share, listen and stay on track. "
    "Come as you are.",
    needs="drugs-alcohol mental-wellbeing.peer-support", at="jubilee-street-centre",
    sched=["TU,TH 19:00-20:30"], route="drop_in", ages=(18, None))
svc("rre-families", "rre", "Support for Families and Friends",
    "A group and one-to-one support for people worried about someone else's drinking, drug use or gambling. "
    "Learn how to look after yourself and how to help.",
    needs="drugs-alcohol carers", suit="carers", at="bow-road-advice",
    elig="Family members and friends of someone who drinks, uses drugs or gambles.",
    sched=["M 1TH 18:30-20:30"], route="drop_in")
svc("rre-line", "rre", "24-hour Drug and Alcohol Advice Line",
    "Free, confidential advice any time about drugs, alcohol or gambling, for you or someone you care about, including what to do in an emergency.",
    needs="drugs-alcohol advice",
    phones=[("0808 157 0624", "voice", "Freephone, 24 hours", None)],
    sched=["MO,TU,WE,TH,FR,SA,SU 00:00-23:59"], route="self_referral", area="Tower Hamlets")
svc("rre-chemsex", "rre", "Chemsex Support for Gay and Bisexual Men",
    "Confidential, non-judgemental support for gay, bisexual and other men who have sex with men and use drugs during sex. "
    "One-to-one sessions and a monthly group.",
    needs="drugs-alcohol health-conditions", suit="lgbtq men", at="leman-street-hub",
    sched=["M 2TH 18:30-20:30"], route="self_referral",
    ref_email="chemsex@resetrecovery.example.org", ages=(18, None))

# --- Legal advice -------------------------------------------------------------

org("eeflc", "East End Free Legal Clinic",
    "Volunteer solicitors and law students giving free legal advice in the evenings on employment, family, consumer and housing problems.",
    domain="eastendlegal.example.org", charity="1148802")
svc("eeflc-clinic", "eeflc", "Free Evening Legal Advice Clinic",
    "Free 30-minute appointments with a volunteer solicitor on employment, family, consumer and small claims problems. "
    "Bring any letters, contracts or court papers.",
    needs="legal-advice", at="cannon-street-chambers",
    sched=["TU,TH 18:30-21:00"], route="self_referral",
    ref_url="https://eastendlegal.example.org/book/", ref_phone="020 7946 0805",
    elig="People who cannot afford a solicitor.")
svc("eeflc-employment", "eeflc", "Employment Rights Clinic",
    "Advice if you have been dismissed, not paid, treated unfairly or discriminated against at work, including early conciliation and tribunal claims.",
    needs="legal-advice employment", at="cannon-street-chambers",
    sched=["M 1SA 10:00-13:00"], langs="eng ben", route="self_referral",
    ref_url="https://eastendlegal.example.org/book/")
svc("eeflc-family", "eeflc", "Family Law Advice Evening",
    "Advice on separation, child arrangements and protection orders from family solicitors, with women solicitors available on request.",
    needs="legal-advice parenting domestic-abuse", suit="families", at="cannon-street-chambers",
    sched=["M -1WE 18:30-21:00"], route="self_referral",
    ref_phone="020 7946 0805")

org("msl", "Middlesex Street Legal Clinic",
    "A pro bono legal clinic in the City of London run by local law firms, open to people from neighbouring boroughs.",
    domain="middlesexstreetclinic.example.org", charity="1166902")
svc("msl-clinic", "msl", "City Pro Bono Legal Clinic",
    "Free legal advice appointments on housing, employment, debt and consumer problems from City solicitors. "
    "We are just outside Tower Hamlets, a short walk from Aldgate East station.",
    needs="legal-advice housing", at="middlesex-street-clinic",
    sched=["WE 17:30-20:00"], route="self_referral",
    ref_url="https://middlesexstreetclinic.example.org/appointments/")

# --- Parenting, families and essentials ---------------------------------------

org("bgpn", "Bethnal Green Parents' Network",
    "A parent-led charity running stay and play, baby groups and parenting courses in Bethnal Green.",
    domain="bgparents.example.org", charity="1136654")
svc("bgpn-stay-play", "bgpn", "Stay and Play (0 to 5)",
    "Messy play, songs, stories and a healthy snack for babies and children under five, with their parent or carer. "
    "A great way to meet other local parents. Free, just turn up.",
    needs="parenting", suit="families", at="pollard-row-centre",
    sched=["MO,WE,FR 10:00-11:30"], langs="eng ben syl", route="drop_in",
    elig="Parents and carers with children aged 0 to 5; the adult must stay.")
svc("bgpn-baby-group", "bgpn", "Baby Group and Feeding Support",
    "A relaxed group for parents of babies under one: baby massage, feeding support from a trained peer supporter and time to chat. "
    "A health visitor joins once a month for weighing and questions.",
    needs="parenting health-conditions", suit="families women", at="pollard-row-centre",
    elig="Parents and carers of babies under one year old.",
    sched=["TU 13:30-15:00"], route="drop_in")
svc("bgpn-dads", "bgpn", "Dads' Saturday Club",
    "Saturday morning play session for dads, grandads and male carers with children under eight: games, building, football and breakfast.",
    needs="parenting", suit="men families", at="meath-gardens",
    elig="Dads, grandads and male carers with children under eight.",
    sched=["M 1SA 10:00-12:00 # First Saturday of the month, 10am to 12 noon (in the hall next to the park if it rains)."],
    route="drop_in")
svc("bgpn-course", "bgpn", "Parenting Course: Being a Parent",
    "A free ten-week course run by trained parents for parents of children aged 2 to 11: managing behaviour, communication and looking after yourself. "
    "Free crèche.",
    needs="parenting mental-wellbeing", suit="families", at="cyprus-street-rooms",
    sched=["TH 09:30-12:00 from=2027-01-14 to=2027-03-18"], langs="eng ben syl",
    route="self_referral", ref_phone="020 7946 0811",
    ref_text="Book by phone. Schools and health visitors can also refer.")

org("llo", "Lansbury Little Ones",
    "A small charity for families with young children in Lansbury and Poplar, run from community halls near Chrisp Street.",
    domain="lansburylittleones.example.org", charity="1170093")
svc("llo-toddler", "llo", "Toddler Group and Rhyme Time",
    "Toys, crafts, rhyme time and a snack for toddlers, and a cuppa and a chat for grown-ups. We sing in Bengali "
    "and English, and new families are always made welcome.",
    needs="parenting", suit="families", at="cordelia-hall",
    sched=["TU,TH 09:30-11:30"], langs="eng ben syl",
    cost=[("Session", 1, "per family")], fees="£1 a family, first visit free.", route="drop_in")
svc("llo-play-park", "llo", "Play in the Park",
    "Outdoor play sessions in Langdon Park with play workers, bikes, den building and water play in summer. For children under 11 with a parent or carer.",
    needs="parenting green-spaces physical-activity", suit="families", at="langdon-park",
    sched=["SA 11:00-13:00 from=2026-04-04 to=2026-10-31"], ages=(0, 11), route="drop_in")

org("slfp", "St Leonard's Family Project",
    "Family support charity in Bromley-by-Bow working with parents and children who need extra help.",
    domain="stleonardsfamilies.example.org", charity="1094455")
svc("slfp-family-support", "slfp", "Family Support Worker Service",
    "A family support worker visits you at home or meets you at the hub to help with routines, school attendance, money worries, housing problems and parenting stress. "
    "Support lasts up to six months.",
    needs="parenting money-debt", suit="families", at="st-leonards-hub",
    sched=["MO,TU,WE,TH,FR 09:00-17:00"], langs="eng ben syl",
    route="professional_referral", ref_email="referrals@stleonardsfamilies.example.org",
    ref_text="Referral from a health visitor, school, GP or social worker. Parents can also ask us directly.",
    contact=("Oliver Grant", "Family support manager"))
svc("slfp-send", "slfp", "SEND Parents' Group",
    "A monthly coffee morning for parents and carers of children with special educational needs and disabilities, with speakers on EHCPs, benefits and school.",
    needs="parenting disability carers", suit="families carers", at="st-leonards-hub",
    elig="Parents and carers of children with special educational needs or disabilities.",
    sched=["M 2FR 09:30-11:30"], route="drop_in")

org("sfx", "Shadwell Families Together",
    "Parents' group in Shadwell that runs activities and advice sessions for local families.",
    domain="shadwellfamilies.example.org")
svc("sfx-stay-play", "sfx", "Stay and Play Shadwell",
    "Free stay and play for under-fives with songs in English and Bengali, a toy library and healthy snacks. "
    "Parents and carers stay with their children; it is a good place to meet other local families.",
    needs="parenting", suit="families", at="dellow-street-hub",
    sched=["MO,WE 09:30-11:30"], langs="eng ben syl", route="drop_in")

org("wff", "Westferry Families",
    "A community charity running the Westferry Road Family Centre for families on the Isle of Dogs.",
    domain="westferryfamilies.example.org", charity="1109337")
svc("wff-centre", "wff", "Family Centre Drop-in",
    "Play sessions for under-fives, a health visitor clinic on Wednesdays and advice for parents on benefits, childcare and nursery places.",
    needs="parenting advice", suit="families", at="westferry-family-centre",
    sched=["MO,TU,WE,TH 09:30-15:00"], langs="eng ben pol", route="drop_in")
svc("wff-toy-library", "wff", "Toy and Baby Equipment Library",
    "Borrow toys, play mats, baby slings and safety gates for a few weeks at a time, for a small fee. Everything is "
    "cleaned and checked between loans. Bring proof of address the first time.",
    needs="parenting clothing-essentials", suit="families", at="westferry-family-centre",
    sched=["TH 13:00-15:00"], cost=[("Borrowing fee", 1, "per item per month")], route="drop_in")

org("drp", "Driffield Road Playgroup",
    "A parent-run playgroup for two- to four-year-olds in Bow.",
    domain="driffieldplaygroup.example.org", charity="1044786")
svc("drp-playgroup", "drp", "Driffield Road Playgroup",
    "Morning playgroup for children aged 2 to 4 with qualified staff, outdoor play and healthy snacks. "
    "Free places for eligible two-year-olds and three- and four-year-olds with funded hours.",
    needs="parenting", suit="families", at="driffield-rooms",
    sched=["MO,TU,WE,TH,FR 09:00-12:00 from=2026-09-07 to=2027-07-16"], ages=(2, 4),
    cost=[("Session (without funded hours)", 18, "per morning")],
    fees="Free with funded early education hours; otherwise £18 a morning.",
    route="self_referral", ref_email="places@driffieldplaygroup.example.org")

org("bbb", "Little Bundles Baby Bank",
    "Volunteer project collecting and giving out good-quality baby and children's items to families who need them.",
    domain="littlebundles.example.org", charity="1181150")
svc("bbb-baby-bank", "bbb", "Baby Bank: clothes, prams and essentials",
    "Free baby and children's clothes (0 to 8 years), prams, cots, sterilisers, nappies and toiletries for families who need them. "
    "Your midwife, health visitor or support worker fills in a short request and we pack a bundle for you to collect.",
    needs="clothing-essentials parenting", suit="families", at="old-ford-hall",
    elig="Families with babies and children up to 8 years old who need help with essentials.",
    sched=["TU 10:00-13:00", "SA 10:00-12:00"],
    route="professional_referral", ref_url="https://littlebundles.example.org/request/",
    ref_text="Professionals fill in the online request form; collection is by appointment.")
svc("bbb-uniform", "bbb", "School Uniform Exchange",
    "Free pre-loved school uniform from Tower Hamlets schools: jumpers, shirts, trousers, PE kits and shoes. "
    "Take what you need, no referral. Donations of clean uniform welcome.",
    needs="clothing-essentials", suit="families", at="idea-store-bow",
    sched=["SA 10:00-13:00 from=2026-08-22 to=2026-09-26"], route="drop_in")

org("ccs", "Chicksand Community Swaps",
    "Residents on the Chicksand Estate who run clothes swaps and repair cafés to cut waste and save money.",
    domain=None)
svc("ccs-swap", "ccs", "Free Clothes Swap and Repair Café",
    "Bring clothes you no longer wear and take home something new to you, or just take what you need. "
    "Volunteers mend clothes, small electricals and bikes on the day.",
    needs="clothing-essentials money-debt", at="chicksand-hall",
    sched=["M 3SA 11:00-14:00"], route="drop_in")
svc("ccs-hall", "ccs", "Chicksand Tenants' Hall hire",
    "The tenants' hall can be booked by residents and community groups for meetings, classes and family events. Kitchen and chairs for 50.",
    needs="community-spaces.hall-hire", at="chicksand-hall",
    sched=["MO,TU,WE,TH,FR,SA,SU 09:00-21:00 # Bookings between 9am and 9pm."],
    cost=[("Hall hire (residents and community groups)", 15, "per hour")],
    route="self_referral", phones=[("07700 900720", "voice", "Bookings", None)])

# --- Arts and culture ---------------------------------------------------------

org("fips", "Lea Canal Print Studio",
    "Open-access print studio in a canal-side warehouse, running community workshops in screen printing and letterpress.",
    domain="leacanalprint.example.org", company="08832190")
svc("fips-workshops", "fips", "Community Printmaking Workshops",
    "Learn screen printing, lino cutting and letterpress in a friendly Saturday workshop. Materials included; take home what you make. "
    "Free places for people on a low income.",
    needs="arts-culture", at="fish-island-yard",
    sched=["SA 10:30-15:30"],
    cost=[("Workshop", 30, "per day"), ("Workshop (low income)", 0, "free places for people on benefits")],
    fees="£30 a day, with free places for people on a low income.",
    route="self_referral", ref_url="https://leacanalprint.example.org/workshops/")

org("wct", "Weavers Community Theatre",
    "Community theatre company in Bethnal Green making plays with local people of all ages.",
    domain="weaverstheatre.example.org", charity="1128890")
svc("wct-youth-theatre", "wct", "Youth Theatre",
    "Drama games, improvisation, script writing and a show at the end of each term, for 11 to 18-year-olds. No experience needed.",
    needs="arts-culture young-people", suit="young-people", at="cheshire-street-space",
    elig="Young people aged 11 to 18.",
    sched=["SA 11:00-13:00"], ages=(11, 18),
    cost=[("Term fee", 30, "per term")], fees="£30 a term; free for young people on free school meals.",
    route="self_referral", ref_url="https://weaverstheatre.example.org/youth/")
svc("wct-over-50s", "wct", "Over-50s Drama and Memories Group",
    "Act, tell stories and make theatre from your memories of the East End. A warm, funny group; no acting experience needed.",
    needs="arts-culture older-people loneliness", suit="older-people", at="boundary-room",
    sched=["WE 14:00-16:00"], route="drop_in", ages=(50, None))

org("bac", "Banglatown Arts Collective",
    "Bangladeshi arts organisation in Spitalfields teaching music, dance and poetry and celebrating Bengali culture.",
    domain="banglatownarts.example.org", charity="1119902")
svc("bac-music", "bac", "Bengali Music and Dance Classes",
    "Classes in Nazrul and Rabindra sangeet, tabla, harmonium and classical and folk dance for children and adults. "
    "Performances at Boishakhi Mela and community events.",
    needs="arts-culture young-people", suit="bengali", at="hanbury-hall",
    sched=["SA,SU 10:00-14:00"], langs="ben syl eng",
    cost=[("Class (children)", 4, "per class"), ("Class (adults)", 6, "per class")],
    route="self_referral", ref_phone="020 7946 0814")
svc("bac-hall", "bac", "Hanbury Street Community Hall hire",
    "Book our hall (100 seated) or rehearsal room for performances, rehearsals, classes and celebrations. Sound system and stage lighting available.",
    needs="community-spaces.hall-hire arts-culture", at="hanbury-hall",
    sched=["MO,TU,WE,TH,FR 10:00-22:00", "SA,SU 15:00-22:00"],
    cost=[("Hall hire (community groups)", 30, "per hour"), ("Rehearsal room", 12, "per hour")],
    route="self_referral", ref_email="hire@banglatownarts.example.org")

org("hsc", "Heath Studios Collective",
    "Artists' cooperative running shared studios under the railway arches at Cambridge Heath, with open community sessions.",
    domain="heathstudios.example.org", company="11190256")
svc("hsc-open-studio", "hsc", "Open Studio Art Sessions",
    "Drop-in painting and drawing sessions with artists on hand to help. All materials provided. Good for beginners and for people using art to relax.",
    needs="arts-culture mental-wellbeing", at="cambridge-heath-studio",
    sched=["TH 18:00-21:00"], cost=[("Session", 5, "per session, pay what you can")], route="drop_in")
svc("hsc-heritage", "hsc", "East End Heritage Walks and Stories",
    "A volunteer-led history walk from Cambridge Heath to Columbia Road telling the stories of Huguenot weavers, Jewish tailors and Bangladeshi families.",
    needs="arts-culture physical-activity", at="cambridge-heath-studio",
    sched=["M -1SU 11:00-13:00"], route="drop_in", cost=None)

# --- Faith and community groups ----------------------------------------------

org("sif", "Stepney Interfaith Forum",
    "A forum bringing together mosques, churches, synagogues, temples and gurdwaras in Stepney to work for the good of the community.",
    domain="stepneyinterfaith.example.org")
svc("sif-open-day", "sif", "Interfaith Open Days and Food Sharing",
    "Quarterly open days where local faith communities welcome neighbours, share food and answer questions. Everyone welcome, with or without a faith.",
    needs="faith-community food.community-meals loneliness", at="stepney-green-hall",
    sched=["M -1SU 13:00-16:00 # Last Sunday of the month, 1pm to 4pm (check the website for which faith community is hosting)."],
    route="drop_in", url="https://stepneyinterfaith.example.org/open-days/")

org("asica", "Aston Street Islamic Cultural Association",
    "Islamic cultural association serving Muslim families in Stepney and Limehouse through prayer, education and welfare work.",
    domain="astonstreet.example.org", charity="1072209")
svc("asica-iftar", "asica", "Community Iftar and Friday Meal",
    "Free meal after Friday prayers every week and a free iftar every evening in Ramadan, open to anyone in need whatever their faith.",
    needs="faith-community food.community-meals", at="aston-street-rooms",
    sched=["FR 13:30-15:00"], langs="ben syl ara eng", route="drop_in")
svc("asica-food-bank", "asica", "Emergency Food Parcels",
    "Emergency food parcels for families and single people in crisis, with halal meat and fresh vegetables when donations allow. "
    "No voucher needed for your first visit; after that we ask for a referral from an advice worker so we can help with the cause too.",
    needs="food.food-bank food", at="aston-street-rooms",
    sched=["SA 10:00-12:00"], langs="ben syl som ara eng", route="drop_in",
    elig="Anyone in need, of any faith or none.")
svc("asica-women", "asica", "Women's Quran and Wellbeing Circle",
    "A women-only weekly circle for Quran study, discussion and support, with a crèche. Sisters of all backgrounds welcome.",
    needs="faith-community mental-wellbeing", suit="women", at="aston-street-rooms",
    sched=["TU 10:30-12:30"], langs="ben syl eng ara", route="drop_in")

org("cycr", "Cyprus Street Church",
    "A small independent church in Globe Town whose rooms are used by community groups through the week.",
    domain="cyprusstreetchurch.example.org", charity="1023847")
svc("cycr-lunch", "cycr", "Tuesday Soup and Fellowship",
    "Homemade soup and bread, tea and conversation in the church rooms every Tuesday. Everyone welcome; no religious strings attached.",
    needs="food.community-meals loneliness faith-community", at="cyprus-street-rooms",
    sched=["TU 12:00-13:30"], route="drop_in", cost=None)

org("bhsc", "Bromley High Street Chapel",
    "A small chapel congregation in Bromley-by-Bow that runs community activities in its upstairs rooms.",
    domain="bromleychapel.example.org", charity="1019934")
svc("bhsc-toddlers", "bhsc", "Chapel Toddlers and Coffee",
    "A friendly toddler group with toys, songs and coffee for parents and carers. There is buggy parking on the "
    "ground floor and the group meets upstairs; volunteers can help carry things up.",
    needs="parenting faith-community", suit="families", at="bromley-high-chapel",
    sched=["WE 10:00-11:30"], route="drop_in", cost=[("Donation", 0.5, "suggested donation per family")])
svc("bhsc-debt-cafe", "bhsc", "Money Worries Café",
    "Monthly café where trained volunteers help you sort out bills, budgets and debt letters over a cup of tea, and refer you to a debt adviser if needed.",
    needs="money-debt advice faith-community", at="bromley-high-chapel",
    sched=["M 1TH 13:00-15:00"], route="drop_in")

org("mrf", "Malmesbury Road Fellowship",
    "A Christian fellowship in Bow whose hall hosts community groups and a weekly games afternoon.",
    domain="malmesburyfellowship.example.org", charity="1051177")
svc("mrf-games", "mrf", "Games Afternoon for Older Neighbours",
    "Board games, cards, bingo and a cup of tea for older people on Thursday afternoons. The hall is up one flight of stairs.",
    needs="older-people loneliness", suit="older-people", at="malmesbury-hall",
    sched=["TH 14:00-16:00"], route="drop_in", ages=(55, None))

org("msba", "Mansford Street Bangladeshi Association",
    "Community association for Bangladeshi families in Bethnal Green, running classes and welfare advice from Mansford Street Hall.",
    domain="mansfordassociation.example.org", charity="1064421")
svc("msba-bengali-school", "msba", "Bengali Saturday School for Children",
    "Bengali reading and writing classes for children aged 5 to 14, with culture, songs and Bangladeshi history. ছোটদের বাংলা স্কুল.",
    needs="arts-culture young-people faith-community", suit="bengali families", at="mansford-hall",
    sched=["SA 10:00-13:00"], langs="ben syl eng", ages=(5, 14),
    cost=[("Term fee", 25, "per term")], route="self_referral", ref_phone="020 7946 0817")
svc("msba-welfare", "msba", "Welfare Advice in Bengali and Sylheti",
    "Help in Bengali and Sylheti with benefits, housing forms, council letters, and passport and visa forms. Bring "
    "the letters or forms with you. বাংলা ও সিলেটিতে পরামর্শ.",
    needs="advice benefits", suit="bengali", at="mansford-hall",
    sched=["WE 17:00-19:30"], langs="ben syl eng", route="drop_in")

# --- Physical activity --------------------------------------------------------

org("mes", "Mile End Walk and Run Group",
    "A free, friendly walking and running group for people of all fitness levels in Mile End and Bow.",
    domain="mileendwalkrun.example.org", phone=False)
svc("mes-health-walk", "mes", "Mile End Park Health Walk",
    "A gentle one-hour walk around Mile End Park with trained walk leaders, finishing with a cuppa. "
    "Ideal if you are getting back into exercise, recovering from illness or want to meet people.",
    needs="physical-activity loneliness green-spaces", at="mile-end-park",
    elig="Adults of any fitness level, especially people getting back into exercise.",
    sched=["TU 10:30-11:30"], route="drop_in",
    phones=[("07700 900724", "voice", "Walk leader's mobile on the day", None)])
svc("mes-couch-5k", "mes", "Couch to 5K for Beginners",
    "A nine-week beginners' running programme: walk, jog, then run 5K with a supportive group. Women-only group on Sundays.",
    needs="physical-activity mental-wellbeing", at="victoria-park",
    sched=["WE 18:30-19:30", "SU 09:00-10:00"], route="self_referral",
    ref_url="https://mileendwalkrun.example.org/c25k/", ages=(16, None))

org("grbf", "Glamis Road Boxing and Fitness Club",
    "Community boxing club in Shadwell using sport to keep young people active, safe and focused.",
    domain="glamisboxing.example.org", charity="1155803")
svc("grbf-boxing", "grbf", "Boxing Training for Young People",
    "Non-contact boxing fitness and technique for young people, with qualified coaches. Builds fitness, discipline and confidence. Gloves provided.",
    needs="physical-activity young-people", suit="young-people", at="glamis-road-hall",
    elig="Young people aged 10 to 18.",
    sched=["MO,WE 17:00-19:00"], ages=(10, 18), cost=[("Session", 2, "per session")], route="drop_in")
svc("grbf-women", "grbf", "Women's Boxercise",
    "High-energy boxing-based fitness class for women only, taught by a woman coach, with the blinds down. All "
    "fitness levels are welcome and gloves are provided.",
    needs="physical-activity", suit="women", at="glamis-road-hall",
    sched=["TU 19:00-20:00"], cost=[("Class", 3, "per class")], fees="£3 a class.", route="drop_in", ages=(16, None))

org("bcsc", "Bow Common Sports Club",
    "Community sports club running the sports hall on Bow Common Lane.",
    domain="bowcommonsports.example.org", charity="1099178")
svc("bcsc-badminton", "bcsc", "Community Badminton and Table Tennis",
    "Turn up and play badminton or table tennis, whatever your age or ability. Rackets and bats to borrow, and the "
    "coach runs a short beginners' slot at the start of each session.",
    needs="physical-activity", at="bow-common-sports",
    sched=["MO,TH 18:00-21:00"], cost=[("Session", 3, "per session"), ("Under 16s", 1, "per session")],
    route="drop_in")
svc("bcsc-hall-hire", "bcsc", "Sports Hall Hire",
    "Hire the sports hall for five-a-side, badminton, exercise classes or events. Discounts for youth and community groups.",
    needs="community-spaces.hall-hire physical-activity", at="bow-common-sports",
    sched=["MO,TU,WE,TH,FR 09:00-22:00", "SA,SU 09:00-18:00"],
    cost=[("Sports hall (community groups)", 28, "per hour"), ("Sports hall (commercial)", 50, "per hour")],
    route="self_referral", ref_email="bookings@bowcommonsports.example.org")

org("lrpc", "Lea River Paddle Club",
    "Canoe and paddleboard club on the River Lea at Three Mills, on the Newham side of the river.",
    domain="leariverpaddle.example.org", charity="1134460")
svc("lrpc-taster", "lrpc", "Free Paddling Taster Sessions",
    "Try kayaking or paddleboarding on the River Lea with qualified instructors. Equipment and buoyancy aids provided; you must be able to swim 25 metres. "
    "We are just across the river from Bromley-by-Bow, in Newham.",
    needs="physical-activity green-spaces young-people", at="three-mill-rooms",
    sched=["SA 10:00-12:00 from=2026-04-04 to=2026-09-26", "WE 17:30-19:30 from=2026-05-06 to=2026-08-26"],
    ages=(10, None), route="self_referral", ref_url="https://leariverpaddle.example.org/taster/")

# --- Volunteering ---------------------------------------------------------------

org("gie", "Get Involved East",
    "Volunteer centre for Tower Hamlets helping people find volunteering that suits them and helping groups recruit volunteers.",
    domain="getinvolvedeast.example.org", charity="1145590")
svc("gie-advice", "gie", "Volunteering Advice Drop-in",
    "Not sure where to start? Talk to an adviser about what you would like to do and we will match you with local volunteer roles: "
    "food banks, befriending, gardening, youth work, events and more. Volunteering can help you get a job too.",
    needs="volunteering employment", at="idea-store-whitechapel",
    elig="Anyone aged 16 or over who would like to volunteer in Tower Hamlets.",
    sched=["WE 11:00-14:00"], langs="eng ben syl", route="drop_in")
svc("gie-online", "gie", "Find a Volunteer Role Online",
    "Search hundreds of local volunteering opportunities online by area, time and interest, and apply directly to the group.",
    needs="volunteering", online=True, phone=False,
    url="https://getinvolvedeast.example.org/roles/", route="self_referral")
svc("gie-supported", "gie", "Supported Volunteering",
    "One-to-one support to start volunteering if you have a disability, a mental health condition or a learning disability, or have not worked for a long time. "
    "A coordinator comes with you for your first sessions.",
    needs="volunteering disability mental-wellbeing", suit="disabled learning-disabilities", at="idea-store-whitechapel",
    sched=["MO,TU,WE,TH 10:00-16:00"], route="professional_referral",
    ref_email="supported@getinvolvedeast.example.org",
    ref_text="Referral from a link worker, care coordinator or support worker. You can also refer yourself.")

# --- Green spaces and gardening -------------------------------------------------

org("gsf", "Tower Hamlets Green Spaces Forum",
    "A volunteer forum of park friends' groups that keeps this directory's listings of local parks and open spaces up to date. "
    "The parks themselves are public places managed by the council; these are sample listings.",
    domain="greenspacesforum.example.org", phone=False)

PARK_HOURS = "MO,TU,WE,TH,FR,SA,SU 07:30-16:30 # Open every day from 7.30am until dusk (as late as 9.30pm in summer)."

svc("gsf-victoria-park", "gsf", "Victoria Park",
    "One of London's great Victorian parks: two lakes, a splash pool, playgrounds, tennis courts, sports pitches and two cafés. "
    "A lovely place for a long walk, a picnic or a park run on Saturday mornings.",
    needs="green-spaces physical-activity", at="victoria-park", sched=[PARK_HOURS],
    route="signpost_only", phone=False, url="https://greenspacesforum.example.org/parks/victoria-park/")
svc("gsf-mile-end-park", "gsf", "Mile End Park",
    "A long green park running beside the Regent's Canal, with an ecology pavilion, a terraced garden, an adventure playground, a climbing wall and a leisure centre. "
    "The green bridge over Mile End Road is a favourite.",
    needs="green-spaces physical-activity", at="mile-end-park", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-cemetery-park", "gsf", "Tower Hamlets Cemetery Park",
    "A peaceful woodland nature reserve in a Victorian cemetery, full of wildflowers, birds and butterflies. "
    "Quiet paths for a slow walk; free guided nature walks on some weekends.",
    needs="green-spaces", at="cemetery-park", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-weavers-fields", "gsf", "Weavers Fields",
    "Big open green space in Bethnal Green with football pitches, a playground, an outdoor gym and an adventure playground for children.",
    needs="green-spaces physical-activity", at="weavers-fields", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-allen-gardens", "gsf", "Allen Gardens",
    "A small park near Brick Lane with a playground, ball court and a community wildflower bed looked after by local volunteers.",
    needs="green-spaces", at="allen-gardens", sched=[PARK_HOURS],
    route="signpost_only", phone=False, cost=None)
svc("gsf-altab-ali", "gsf", "Altab Ali Park",
    "A small park on Whitechapel Road, named after Altab Ali, with the Shaheed Minar where the community gathers on International Mother Language Day. "
    "Benches and shade for a quiet sit-down.",
    needs="green-spaces arts-culture", at="altab-ali-park", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-kemp", "gsf", "King Edward Memorial Park",
    "Riverside park in Shadwell with tennis courts, a bowling green, a playground and a path along the Thames. Good "
    "for a walk by the river or a game of tennis; the courts are free to use at off-peak times.",
    needs="green-spaces physical-activity", at="kemp-park", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-hermitage", "gsf", "Hermitage Riverside Memorial Garden",
    "A small, quiet riverside garden in Wapping with benches and views of Tower Bridge, and a memorial to civilians killed in the Blitz.",
    needs="green-spaces", at="hermitage-garden", sched=[PARK_HOURS],
    route="signpost_only", phone=False, cost=None)
svc("gsf-bartlett", "gsf", "Bartlett Park",
    "Open park in Poplar with a playground, ball court, walking paths and plenty of space for ball games and picnics.",
    needs="green-spaces", at="bartlett-park", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-poplar-rec", "gsf", "Poplar Recreation Ground",
    "Park on East India Dock Road with a playground, a free outdoor gym and a multi-use games area. Busy with "
    "families after school and a good spot for a quick workout.",
    needs="green-spaces physical-activity", at="poplar-rec", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-ropemakers", "gsf", "Ropemakers Fields",
    "Small riverside park in Limehouse with a playground, table tennis tables and grassy corners to sit in the sun.",
    needs="green-spaces", at="ropemakers-fields", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-mcdougall", "gsf", "Sir John McDougall Gardens",
    "Riverside gardens on the Isle of Dogs with lawns, a playground and benches looking over the Thames. A quiet "
    "place to sit, with views across to Rotherhithe.",
    needs="green-spaces", at="mcdougall-gardens", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-island-gardens", "gsf", "Island Gardens",
    "Riverside park at the tip of the Isle of Dogs with the famous view across to Greenwich and the entrance to the Greenwich foot tunnel.",
    needs="green-spaces", at="island-gardens-park", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-millwall-park", "gsf", "Millwall Park",
    "Big park with football and rugby pitches, a running track and open grass, next to Mudchute and the DLR viaduct.",
    needs="green-spaces physical-activity", at="millwall-park", sched=[PARK_HOURS],
    route="signpost_only", phone=False)
svc("gsf-meath-gardens", "gsf", "Meath Gardens",
    "A green space with old trees, lawns and a playground beside the canal between Bethnal Green and Mile End. "
    "Popular with dog walkers and families, and a short walk from the towpath.",
    needs="green-spaces", at="meath-gardens", sched=[PARK_HOURS],
    route="signpost_only", phone=False)

org("fcp", "Cemetery Park Conservation Volunteers",
    "Volunteers who help look after the woodland, meadows and wildlife of Tower Hamlets Cemetery Park.",
    domain="cemeteryparkvolunteers.example.org", charity="1127713")
svc("fcp-volunteering", "fcp", "Woodland Conservation Volunteering",
    "Help care for the woodland: clearing paths, coppicing, planting and building habitats for wildlife. "
    "Tools, gloves and training provided, and a tea break with cake. Good for your body and your mind.",
    needs="volunteering green-spaces physical-activity", at="cemetery-park",
    sched=["TH 10:00-13:00", "M 3SA 10:00-13:00"], route="drop_in", ages=(16, None))
svc("fcp-nature-club", "fcp", "Saturday Nature Club for Children",
    "Bug hunts, bird spotting, den building and nature crafts for children aged 5 to 11 with a parent or carer. "
    "Wear clothes that can get muddy.",
    needs="green-spaces parenting young-people", suit="families", at="cemetery-park",
    sched=["M 1SA 10:30-12:00"], ages=(5, 11), route="drop_in",
    status="temporarily closed",
    alert="Paused while storm-damaged trees are made safe. The club will restart in spring 2027; until then see Mile End Park's ecology pavilion for family nature activities.")

org("wlg", "Wick Lane Growers",
    "Allotment and community garden society by the River Lea Navigation in Bow.",
    domain="wicklanegrowers.example.org")
svc("wlg-garden", "wlg", "Wick Lane Community Garden Sessions",
    "Grow vegetables, herbs and flowers in our shared beds with other local people, no experience needed. "
    "You take home a share of the harvest. Wear old clothes.",
    needs="green-spaces.community-gardens volunteering", at="wick-lane-allotments",
    elig="Anyone who would like to garden; no experience needed.",
    sched=["WE 10:00-13:00", "SU 10:00-13:00"], route="drop_in")
svc("wlg-allotments", "wlg", "Allotment Plots and Waiting List",
    "Half and quarter allotment plots to rent by the year. There is a waiting list; shared plots are offered to beginners sooner.",
    needs="green-spaces.community-gardens", at="wick-lane-allotments",
    cost=[("Half plot", 45, "per year"), ("Quarter plot", 25, "per year")],
    route="self_referral", ref_email="plots@wicklanegrowers.example.org")

org("swg", "Stepney Way Growers",
    "A community growing project in Stepney running gardening for wellbeing sessions.",
    domain="stepneygrowers.example.org", charity="1162378")
svc("swg-wellbeing", "swg", "Gardening for Wellbeing",
    "Relaxed gardening sessions for people who are stressed, low, lonely or recovering from illness: sowing, planting, harvesting and a shared lunch made from what we grow. "
    "Link workers often refer people to us, but you can just come along.",
    needs="green-spaces.community-gardens mental-wellbeing loneliness", at="stepney-way-growing",
    elig="Adults who would like to improve their wellbeing through gardening.",
    sched=["TU,FR 10:00-14:00"], langs="eng ben syl", route="drop_in",
    phones=[("07700 900727", "voice", "Garden mobile", None)])
svc("swg-school-holiday", "swg", "Family Growing Days",
    "Family gardening and outdoor cooking days in the school holidays: plant seeds, pick salad and cook lunch on "
    "the fire pit together. Children must come with an adult.",
    needs="green-spaces.community-gardens parenting", suit="families", at="stepney-way-growing",
    sched=["WE 11:00-14:00 from=2027-04-07 to=2027-04-14"], route="self_referral",
    ref_url="https://stepneygrowers.example.org/family-days/")

org("rwgc", "Rainhill Way Garden Club",
    "Residents' gardening club that created and looks after Rainhill Way Community Garden.",
    domain=None, phone=False)
svc("rwgc-garden", "rwgc", "Rainhill Way Community Garden",
    "A neighbourhood garden with raised beds, a wildlife pond and a covered seating area. Join the club to get a bed, or come to a Saturday gardening session.",
    needs="green-spaces.community-gardens green-spaces", at="rainhill-garden",
    sched=["SA 10:00-12:00"], route="drop_in",
    phones=[("07700 900729", "voice", "Club secretary", None)])

# --- Libraries and Idea Stores ---------------------------------------------------

org("lis", "Libraries and Idea Stores (sample listing)",
    "Stand-in organisation used in this sample directory for the borough's public libraries and Idea Stores. "
    "The buildings are real public places; the details here are sample data, so check opening times before you visit.",
    domain="libraries.example.org")

LIB = "Free to join: bring proof of address to get a library card."
svc("lis-whitechapel", "lis", "Idea Store Whitechapel",
    "The borough's biggest Idea Store: books in English, Bengali and many other languages, free computers and wifi, study spaces, a café and adult classes. "
    + LIB,
    needs="libraries digital-skills", at="idea-store-whitechapel",
    sched=["MO,TU,WE,TH 09:00-21:00", "FR,SA 09:00-18:00", "SU 10:00-17:00"],
    langs="eng ben syl", route="signpost_only", url="https://libraries.example.org/whitechapel/")
svc("lis-watney", "lis", "Idea Store Watney Market",
    "Library and learning centre by Watney Market with books, newspapers, free computers and a busy children's area. " + LIB,
    needs="libraries", at="idea-store-watney",
    sched=["MO,TU,WE,TH 09:00-21:00", "FR,SA 09:00-18:00", "SU 10:00-17:00"],
    langs="eng ben syl", route="signpost_only")
svc("lis-bow", "lis", "Idea Store Bow",
    "Library on Roman Road with books, DVDs, free computers, a homework area and weekly rhyme times for babies and toddlers. " + LIB,
    needs="libraries parenting", at="idea-store-bow",
    sched=["MO,TU,WE,TH 09:00-21:00", "FR,SA 09:00-18:00", "SU 10:00-17:00"],
    route="signpost_only")
svc("lis-chrisp", "lis", "Idea Store Chrisp Street",
    "Library and learning centre in Chrisp Street Market with quiet study rooms, free computers and printing, and classes from ESOL to yoga. " + LIB,
    needs="libraries esol", at="idea-store-chrisp",
    sched=["MO,TU,WE,TH 09:00-21:00", "FR,SA 09:00-18:00", "SU 10:00-17:00"],
    langs="eng ben syl", route="signpost_only")
svc("lis-canary-wharf", "lis", "Idea Store Canary Wharf",
    "Library in Canary Wharf with books, study spaces and free wifi, open late on weekdays. " + LIB,
    needs="libraries", at="idea-store-canary-wharf",
    sched=["MO,TU,WE,TH,FR 09:00-21:00", "SA 09:00-18:00", "SU 10:00-17:00"],
    route="signpost_only")
svc("lis-bethnal-green", "lis", "Bethnal Green Library",
    "Historic library in Bethnal Green Gardens with books, local history, free computers and events for children and adults. " + LIB,
    needs="libraries arts-culture", at="bethnal-green-library",
    sched=["MO,TU,TH 09:00-20:00", "WE,FR,SA 09:00-17:00"], route="signpost_only")
svc("lis-cubitt-town", "lis", "Cubitt Town Library",
    "Neighbourhood library on the Isle of Dogs with books, free computers, a children's area and a weekly knit and chat group. " + LIB,
    needs="libraries loneliness", at="cubitt-town-library",
    sched=["MO,TU,TH,FR 10:00-18:00", "SA 10:00-17:00"], route="signpost_only")
svc("lis-home-delivery", "lis", "Home Library Service",
    "Library books, audiobooks and large-print books delivered to your door every month by a volunteer, for people who cannot get to a library because of age, illness, disability or caring.",
    needs="libraries older-people disability", suit="older-people disabled", area="Tower Hamlets",
    elig="Tower Hamlets residents who cannot get to a library because of age, illness, disability or caring.",
    sched=["MO,TU,WE,TH,FR 10:00-16:00 # Call Monday to Friday, 10am to 4pm, to sign up."],
    route="self_referral", ref_phone="020 7946 0830")
svc("lis-online", "lis", "Online Library: e-books, e-audiobooks and newspapers",
    "Borrow e-books and e-audiobooks and read newspapers and magazines on your phone or tablet for free with your library card, day or night.",
    needs="libraries digital-skills", online=True, phone=False,
    url="https://libraries.example.org/online/", route="self_referral")

# --- Community centres, halls and local associations --------------------------

org("oera", "Ocean Estate Residents' Association",
    "Residents' association that runs the Ocean Estate Community Centre with and for people living on the estate.",
    domain="oceanresidents.example.org", charity="1077402")
svc("oera-centre", "oera", "Ocean Estate Community Centre",
    "The estate's community centre: a sports hall, kitchen and rooms used by youth clubs, a pensioners' club, ESOL classes and family parties. "
    "Pop in to see what's on this week or to book a room.",
    needs="community-spaces", at="ocean-centre",
    sched=["MO,TU,WE,TH,FR 09:00-21:30", "SA 10:00-18:00"], route="signpost_only",
    langs="eng ben syl")
svc("oera-hall-hire", "oera", "Ocean Estate Community Centre: hall hire",
    "Book the sports hall or the function room for parties, weddings, classes and meetings. Residents of the estate get a discount.",
    needs="community-spaces.hall-hire", at="ocean-centre",
    sched=["MO,TU,WE,TH,FR 09:00-22:00", "SA,SU 10:00-23:00"],
    cost=[("Hall hire (community groups)", 25, "per hour"), ("Function room (residents)", 20, "per hour"),
          ("Function room (non-residents)", 40, "per hour")],
    route="self_referral", ref_email="bookings@oceanresidents.example.org")
svc("oera-coffee", "oera", "Ocean Coffee Morning",
    "Free tea, coffee and toast every Monday morning: meet your neighbours, find out what's happening on the estate and raise any repairs with the residents' association.",
    needs="loneliness housing", at="ocean-centre",
    sched=["MO 10:00-12:00"], langs="eng ben syl", route="drop_in")

org("jsca", "Jubilee Street Community Centre Association",
    "Community association that manages Jubilee Street Community Centre in Stepney and its café.",
    domain="jubileecentre.example.org", charity="1068893")
svc("jsca-centre", "jsca", "Jubilee Street Community Centre",
    "Busy community centre with a low-cost café, a hall and meeting rooms used by over 30 local groups. "
    "Noticeboard full of classes and activities; ask at reception.",
    needs="community-spaces food", at="jubilee-street-centre",
    sched=["MO,TU,WE,TH,FR 08:30-21:00", "SA 09:30-16:00"], route="signpost_only")
svc("jsca-room-hire", "jsca", "Room Hire at Jubilee Street",
    "Three meeting rooms (10 to 30 people) and a hall (120) for hire by the hour, with tea and coffee making. "
    "Regular weekly bookings get a lower rate.",
    needs="community-spaces.hall-hire", at="jubilee-street-centre",
    sched=["MO,TU,WE,TH,FR 08:30-21:00", "SA 09:30-16:00"],
    cost=[("Hall hire (community groups)", 25, "per hour"), ("Meeting room", 10, "per hour")],
    route="self_referral", ref_email="rooms@jubileecentre.example.org")

org("ofca", "Old Ford Community Association",
    "Community association running Old Ford Community Hall in Bow East.",
    domain="oldfordcommunity.example.org", charity="1048859")
svc("ofca-hall-hire", "ofca", "Old Ford Community Hall hire",
    "A bright hall for 100 with a kitchen and garden, for classes, parties and meetings. Reduced rates for groups that are free to attend.",
    needs="community-spaces.hall-hire community-spaces", at="old-ford-hall",
    cost=[("Hall hire (community groups)", 22, "per hour"), ("Hall hire (private)", 40, "per hour")],
    route="self_referral", ref_email="hire@oldfordcommunity.example.org")
svc("ofca-pilates", "ofca", "Low-cost Pilates and Stretch",
    "Gentle Pilates and stretching for all levels, good for back care and posture. Bring a mat if you have one; "
    "there are spares to borrow.",
    needs="physical-activity", at="old-ford-hall",
    sched=["MO 19:00-20:00", "SA 09:30-10:30"], cost=[("Class", 4, "per class")], fees="£4 a class.",
    route="drop_in", ages=(16, None))

org("crca", "Campbell Road Community Association",
    "Tenants' and residents' association in Bromley-by-Bow that runs Campbell Road Community Hall.",
    domain="campbellroad.example.org")
svc("crca-hall", "crca", "Campbell Road Community Hall",
    "Community hall with a kitchen and garden, home to a Wednesday coffee morning, a seniors' exercise class and residents' meetings. "
    "Also available to hire.",
    needs="community-spaces community-spaces.hall-hire", at="campbell-road-hall",
    sched=["MO,TU,WE,TH,FR 09:00-21:00"],
    cost=[("Hall hire (community groups)", 18, "per hour")], route="signpost_only")
svc("crca-coffee", "crca", "Wednesday Coffee Morning",
    "Tea, coffee, cake and a chat with neighbours every Wednesday. Knitters, talkers and newcomers are all welcome, "
    "and there is a suggested donation of £1.",
    needs="loneliness older-people", at="campbell-road-hall",
    sched=["WE 10:00-12:00"], route="drop_in", cost=[("Donation", 1, "suggested")])

org("bkca", "Barkantine Community Association",
    "Community association that runs the Barkantine Community Centre on Westferry Road.",
    domain="barkantinecommunity.example.org", charity="1090244")
svc("bkca-hall-hire", "bkca", "Barkantine Community Centre hall hire",
    "Hire the hall, kitchen or meeting rooms for events, classes and meetings on the Isle of Dogs. The hall seats "
    "90 and has a hearing loop and a small stage.",
    needs="community-spaces.hall-hire", at="barkantine-centre",
    cost=[("Hall hire (community groups)", 25, "per hour")],
    route="self_referral", ref_email="bookings@barkantinecommunity.example.org")
svc("bkca-esol", "bkca", "Island English Classes",
    "Beginner and pre-intermediate English classes for adults on the Isle of Dogs, with a volunteer-run crèche. "
    "Come to an assessment on the first Tuesday of term.",
    needs="esol", at="barkantine-centre",
    sched=["TU,TH 13:00-15:00 from=2026-09-15 to=2027-07-15"], langs="eng ben pol",
    route="self_referral", ref_phone="020 7946 0834", ages=(19, None))

org("cbca", "Cubitt Town and Blackwall Community Association",
    "Community association running Preston's Road Community Centre and activities for residents of Cubitt Town and Blackwall.",
    domain="cubitttown.example.org", charity="1075518")
svc("cbca-hall-hire", "cbca", "Preston's Road Community Centre hire",
    "Book the hall for up to 80 people or the small meeting room, with kitchen and tables included. Popular for "
    "children's parties, faith groups and residents' meetings.",
    needs="community-spaces.hall-hire", at="prestons-centre",
    cost=[("Hall hire (community groups)", 20, "per hour")], route="self_referral",
    ref_email="hire@cubitttown.example.org")
svc("cbca-community-fridge", "cbca", "Cubitt Town Community Fridge",
    "Free surplus food from local supermarkets, shared in a community fridge. Take what you need, leave what you can. "
    "Best days for fresh food are Monday and Thursday.",
    needs="food food.community-pantry", at="prestons-centre",
    elig="Anyone; the food is free and nobody needs to explain why they are there.",
    sched=["MO,TH 16:00-18:00"], route="drop_in")

org("ica", "Island Community Association",
    "Community association for the Isle of Dogs that manages East Ferry Road Community Hall.",
    domain="islandcommunity.example.org", charity="1031129")
svc("ica-hall-hire", "ica", "East Ferry Road Community Hall hire",
    "Sports hall, kitchen and meeting room to hire for sport, parties, faith groups and classes. Youth and "
    "community groups get priority for weekday evenings.",
    needs="community-spaces.hall-hire", at="east-ferry-hall",
    cost=[("Hall hire (community groups)", 26, "per hour")], route="self_referral",
    ref_email="bookings@islandcommunity.example.org")

org("csca", "Cordelia Street Community Association",
    "Residents' association that runs Cordelia Street Community Hall in Lansbury.",
    domain="cordeliastreet.example.org")
svc("csca-hall-hire", "csca", "Cordelia Street Community Hall hire",
    "Large hall with a kitchen, ideal for community events, classes and celebrations. The hall is used as a night "
    "shelter in winter, so evening bookings are limited from November to March.",
    needs="community-spaces.hall-hire", at="cordelia-hall",
    cost=[("Hall hire (community groups)", 24, "per hour")], route="self_referral")

org("tcrt", "Teesdale Community Rooms Trust",
    "Small trust running community rooms on Teesdale Street for residents of Bethnal Green.",
    domain="teesdalerooms.example.org", charity="1117360")
svc("tcrt-coffee", "tcrt", "Teesdale Coffee and Chat",
    "Friendly coffee morning for anyone who fancies company: tea, biscuits, the papers and a chat. Monthly visits from a housing officer and a police community support officer.",
    needs="loneliness community-spaces", at="teesdale-rooms",
    sched=["TH 10:00-12:00"], route="drop_in", cost=None)
svc("tcrt-room-hire", "tcrt", "Teesdale Community Rooms hire",
    "Two rooms and a kitchen to hire for meetings, classes and small parties. Each room holds about 20 people.",
    needs="community-spaces.hall-hire", at="teesdale-rooms",
    cost=[("Room hire", 12, "per hour")], route="self_referral")

org("becc", "Boundary Estate Community Room Committee",
    "Volunteer committee of residents that looks after the community room on Arnold Circus.",
    domain=None)
svc("becc-book-club", "becc", "Arnold Circus Book Club",
    "A monthly book club in the community room: one book a month, borrowed free from the library, and a good chat about it.",
    needs="arts-culture loneliness libraries", at="boundary-room",
    sched=["M 2MO 19:00-20:30"], route="drop_in")

org("wlht", "Wapping Lane Hall Trust",
    "Charity that owns and runs Wapping Lane Community Hall.",
    domain="wappinglanehall.example.org", charity="1012278")
svc("wlht-hall-hire", "wlht", "Wapping Lane Community Hall hire",
    "Community hall with a stage, kitchen and garden, for hire by community groups and residents. The hall is being "
    "refurbished with a new kitchen, toilets and heating.",
    needs="community-spaces.hall-hire community-spaces", at="wapping-lane-hall",
    cost=[("Hall hire (community groups)", 25, "per hour")], route="self_referral",
    status="temporarily closed",
    alert="Closed for refurbishment until March 2027. Regular groups have moved to Prusom Street Tenants' Room and the Green Bank centre; new bookings from April 2027.")

org("psta", "Prusom Street Tenants' Association",
    "Tenants' association for the Prusom Street estates in Wapping.",
    domain=None)
svc("psta-surgery", "psta", "Tenants' Surgery and Repairs Help",
    "Monthly surgery where the tenants' association helps you report repairs, chase outstanding jobs and complain to your landlord. Bring photos of the problem.",
    needs="housing advice", at="prusom-street-room",
    sched=["M 1MO 18:00-19:30"], route="drop_in")
svc("psta-coffee", "psta", "Prusom Street Coffee Morning",
    "Weekly coffee morning for neighbours in the tenants' room. Moved here from Wapping Lane while the hall is refurbished.",
    needs="loneliness", at="prusom-street-room",
    sched=["FR 10:00-11:30"], route="drop_in")

org("sght", "Stepney Green Hall Trust",
    "Trust that looks after Stepney Green Hall and lets it to community groups.",
    domain="stepneygreenhall.example.org", charity="1000921")
svc("sght-hall-hire", "sght", "Stepney Green Hall hire",
    "A Victorian hall facing the green, available for classes, concerts, meetings and celebrations. Ground-floor hall is step-free.",
    needs="community-spaces.hall-hire", at="stepney-green-hall",
    cost=[("Hall hire (community groups)", 30, "per hour"), ("Hall hire (private)", 55, "per hour")],
    route="self_referral", ref_email="bookings@stepneygreenhall.example.org")

org("atra", "Aberfeldy Tenants and Residents Association",
    "Tenants' and residents' association for the Aberfeldy estate in Poplar.",
    domain="aberfeldytra.example.org")
svc("atra-room-hire", "atra", "Aberfeldy Street Community Room hire",
    "Small community room on Aberfeldy Street for meetings and classes of up to 25 people. Residents of the estate "
    "can book it free for tenants' meetings.",
    needs="community-spaces.hall-hire", at="aberfeldy-room",
    cost=[("Room hire", 10, "per hour")], route="self_referral")

org("lcht", "Limehouse Causeway Hall Trust",
    "Trust running Limehouse Causeway Hall for community use.",
    domain="causewayhall.example.org", charity="1088430")
svc("lcht-hall-hire", "lcht", "Limehouse Causeway Hall hire",
    "Community hall near Westferry DLR with a kitchen, for hire by the hour. Used by carers' groups, elders' clubs and a bereavement café.",
    needs="community-spaces.hall-hire community-spaces", at="causeway-hall",
    cost=[("Hall hire (community groups)", 22, "per hour")], route="self_referral")

org("drca", "Devons Road Community Association",
    "Community association running Devons Road Community Centre in Bromley-by-Bow.",
    domain="devonsroad.example.org", charity="1059902")
svc("drca-centre", "drca", "Devons Road Community Centre",
    "Community centre that hosts a food bank, youth sessions, ESOL and a Saturday community breakfast. Rooms for hire.",
    needs="community-spaces community-spaces.hall-hire", at="devons-road-centre",
    sched=["MO,TU,WE,TH,FR 09:00-21:00", "SA 09:00-13:00"],
    cost=[("Hall hire (community groups)", 20, "per hour")], route="signpost_only")
svc("drca-breakfast", "drca", "Saturday Community Breakfast",
    "Free cooked breakfast every Saturday morning for anyone who wants one: eggs, beans, toast and a hot drink, served with a smile.",
    needs="food.community-meals loneliness", at="devons-road-centre",
    sched=["SA 09:00-11:00"], route="drop_in")

org("bca", "Burdett Community Association",
    "Community association running Burdett Road Community Centre in Mile End.",
    domain="burdettcommunity.example.org", charity="1101178")
svc("bca-computer-class", "bca", "Computers for Beginners",
    "Small, patient classes for people who have never used a computer: mouse, keyboard, email, video calls and staying safe online. "
    "Classes in English and Bengali.",
    needs="digital-skills older-people", at="burdett-road-centre",
    elig="Adults who have little or no experience of computers.",
    sched=["MO 10:00-12:00", "WE 10:00-12:00"], langs="eng ben syl", route="self_referral",
    ref_phone="020 7946 0838", cost=[("Course (six weeks)", 10, "for the course, free on benefits")])
svc("bca-hall-hire", "bca", "Burdett Road Community Centre hire",
    "Hall, computer room and café space available to hire for groups and events. The computer room has 12 laptops "
    "and a projector.",
    needs="community-spaces.hall-hire", at="burdett-road-centre",
    cost=[("Hall hire (community groups)", 24, "per hour"), ("Computer room", 30, "per hour")],
    route="self_referral", ref_email="hire@burdettcommunity.example.org")

org("rrh", "Roman Road Community Hub CIC",
    "Community interest company running a shopfront hub on Roman Road that hosts counselling, advice and local projects.",
    domain="romanroadhub.example.org", company="10982213")
svc("rrh-hub", "rrh", "Roman Road Community Hub",
    "A shopfront hub where you can find out about local groups, use free wifi and talk to a volunteer about where to get help. Rooms for counselling and small groups.",
    needs="community-spaces advice", at="roman-road-hub",
    sched=["MO,TU,WE,TH,FR 10:00-18:00", "SA 10:00-14:00"], route="drop_in")
svc("rrh-tool-library", "rrh", "Roman Road Tool Library",
    "A library of tools that members could borrow for DIY and gardening. The tool library closed permanently in 2025 and its tools were donated to local groups.",
    needs="clothing-essentials", at="roman-road-hub",
    status="defunct", assured=False, route="self_referral")

org("ccsc", "Cubitt Town Chapel",
    "A chapel on Manchester Road whose hall hosts the island food bank and other community groups.",
    domain="cubitttownchapel.example.org", charity="1007756")
svc("ccsc-hall-hire", "ccsc", "Cubitt Town Chapel Hall hire",
    "Chapel hall for hire by community and faith groups for meetings, classes and events. Not available on Monday "
    "and Friday mornings, when the food bank uses it.",
    needs="community-spaces.hall-hire faith-community", at="cubitt-chapel-hall",
    cost=[("Hall hire (community groups)", 15, "per hour")], route="self_referral")

org("wsta", "Woolmore Street Tenants' Association",
    "Tenants' association in Poplar that runs a small first-floor community room.",
    domain=None, phone=False)
svc("wsta-room", "wsta", "Woolmore Street Community Room hire",
    "Small room for residents' meetings, tutoring and small groups. It is up a flight of stairs, with no lift.",
    needs="community-spaces.hall-hire", at="woolmore-room",
    cost=[("Room hire", 8, "per hour")], route="self_referral",
    phones=[("07700 900731", "voice", "Bookings secretary", None)])

org("csn", "Cable Street Neighbours",
    "A neighbourhood group in Shadwell that runs Cable Street Community Rooms.",
    domain="cablestreetneighbours.example.org")
svc("csn-coffee", "csn", "Cable Street Coffee Morning and Chair Yoga",
    "Weekly coffee morning with a short chair yoga session to start. Good for older people and anyone who would like to meet neighbours.",
    needs="loneliness physical-activity older-people", at="cable-street-rooms",
    elig="Older people and anyone who would like to meet their neighbours.",
    sched=["FR 10:00-12:00"], langs="eng ben syl", route="drop_in")

org("hhec", "Community Health Champions Network",
    "A former community health champions programme set up during the Covid-19 pandemic.",
    domain=None, phone=False)
svc("hhec-vaccine", "hhec", "Community Vaccine Champions",
    "Community champions who answered questions about Covid-19 vaccines in community languages. This programme has ended.",
    needs="health-conditions volunteering", at="new-road-centre",
    status="inactive", route="drop_in", assured=False)

# ===========================================================================
# Engine: nothing below is content.
# ===========================================================================

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = dict(zip(DAYS, ["Monday", "Tuesday", "Wednesday", "Thursday",
                            "Friday", "Saturday", "Sunday"]))
ORDINALS = {"1": "First", "2": "Second", "3": "Third", "4": "Fourth", "-1": "Last"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
ROUTES = ("self_referral", "professional_referral", "drop_in", "signpost_only")


class SeedError(Exception):
    pass


def geo_dir() -> Path:
    return Path(os.environ.get("SIGNPOST_GEO_DIR", str(DEFAULT_GEO_DIR)))


def load_postcodes(gdir: Path) -> dict[str, dict]:
    path = gdir / "tower-hamlets-postcodes.csv"
    if not path.is_file():
        raise SeedError(f"geo pack not found: {path} (set SIGNPOST_GEO_DIR)")
    with path.open(newline="", encoding="utf-8") as f:
        return {row["postcode"]: row for row in csv.DictReader(f)}


# --- Words for schedules ------------------------------------------------------

def time_words(hhmm: str) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    if (h, m) == (12, 0):
        return "12 noon"
    if (h, m) == (0, 0):
        return "midnight"
    suffix = "am" if h < 12 else "pm"
    h12 = h % 12 or 12
    return f"{h12}.{m:02d}{suffix}" if m else f"{h12}{suffix}"


def join_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def days_words(byday: str) -> str:
    days = byday.split(",")
    idx = [DAYS.index(d) for d in days]
    if len(days) == 7:
        return "Every day"
    if days == ["SA", "SU"]:
        return "Saturdays and Sundays"
    if len(days) >= 3 and idx == list(range(idx[0], idx[0] + len(idx))):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    return join_words([DAY_NAMES[d] + "s" for d in days])


def date_words(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def schedule_words(freq, byday, opens, closes, valid_from, valid_to) -> str:
    if freq == "MONTHLY":
        m = re.fullmatch(r"(-?\d)([A-Z]{2})", byday)
        when = f"{ORDINALS[m.group(1)]} {DAY_NAMES[m.group(2)]} of every month"
    else:
        when = days_words(byday)
    if (opens, closes) == ("00:00", "23:59"):
        text = f"Open 24 hours, {when.lower()}" if when != "Every day" else "Open 24 hours a day, every day"
    elif closes < opens:
        text = f"{when}, {time_words(opens)} to {time_words(closes)} the next morning"
    else:
        text = f"{when}, {time_words(opens)} to {time_words(closes)}"
    if valid_from and valid_to:
        text += f", from {date_words(valid_from)} to {date_words(valid_to)}"
    elif valid_from:
        text += f", from {date_words(valid_from)}"
    elif valid_to:
        text += f", until {date_words(valid_to)}"
    return text + "."


def parse_schedule(spec: str) -> dict:
    words = None
    if " # " in spec:
        spec, words = spec.split(" # ", 1)
    toks = spec.split()
    freq = "WEEKLY"
    if toks[0] == "M":
        freq, toks = "MONTHLY", toks[1:]
    byday, times = toks[0], toks[1]
    opens, closes = times.split("-")
    out = dict(freq=freq, byday=byday, opens=opens, closes=closes,
               place=None, valid_from=None, valid_to=None, words=words)
    for t in toks[2:]:
        if t.startswith("@"):
            out["place"] = t[1:]
        elif t.startswith("from="):
            out["valid_from"] = t[5:]
        elif t.startswith("to="):
            out["valid_to"] = t[3:]
        else:
            raise SeedError(f"bad schedule token {t!r} in {spec!r}")
    return out


# --- Dates ------------------------------------------------------------------------

def slug_hash(slug: str) -> int:
    return int(hashlib.sha256(slug.encode("utf-8")).hexdigest(), 16)


def freshness(slug: str, assured: bool) -> tuple[str | None, str]:
    """(assured_date, last_modified), derived from the slug so they are stable.

    About one in five assured dates is more than 12 months before
    REFERENCE_DATE, the rest are within the last 12 months."""
    h = slug_hash(slug)
    cutoff = REFERENCE_DATE - dt.timedelta(days=365)  # 2025-11-22
    latest = REFERENCE_DATE - dt.timedelta(days=1)
    if not assured:
        day = dt.date(2025, 3, 1) + dt.timedelta(days=(h >> 8) % 400)
        a = None
    elif h % 100 < 20:
        start = dt.date(2024, 6, 1)
        day = start + dt.timedelta(days=(h >> 8) % (cutoff - start).days)
        a = day
    else:
        start = cutoff + dt.timedelta(days=1)
        day = start + dt.timedelta(days=(h >> 8) % (latest - start).days)
        a = day
    modified = min(day + dt.timedelta(days=(h >> 20) % 40), latest)
    hour = 8 + (h >> 32) % 10
    minute = ((h >> 40) % 4) * 15
    lm = f"{modified.isoformat()}T{hour:02d}:{minute:02d}:00Z"
    return (a.isoformat() if a else None), lm


# --- Builders ----------------------------------------------------------------------

class Numbers:
    """Hands out drama-range phone numbers in a fixed order."""

    def __init__(self, prefix: str, start: int, width: int):
        self.prefix, self.next, self.width = prefix, start, width

    def take(self) -> str:
        n = self.next
        self.next += 1
        return f"{self.prefix}{n:0{self.width}d}"


def language_obj(key: str, code: str) -> dict:
    if code not in LANGUAGES:
        raise SeedError(f"unknown language code {code!r}")
    return {"id": uid("language", f"{key}:{code}"), "name": LANGUAGES[code], "code": code}


def phone_obj(key: str, number: str, ptype: str = "voice", desc: str | None = None,
              langs: str | None = None) -> dict:
    p = {"id": uid("phone", key), "number": number, "type": ptype}
    if desc:
        p["description"] = desc
    if langs:
        p["languages"] = [language_obj(f"phone:{key}", c) for c in langs.split()]
    return p


def build_taxonomies() -> tuple[dict, dict[str, str], dict[str, str]]:
    taxonomies, terms = [], []
    ids = {}
    for tax, term_list in ((NEEDS_TAXONOMY, NEEDS_TERMS), (SUITABLE_TAXONOMY, SUITABLE_TERMS)):
        tax_id = uid("taxonomy", tax["slug"])
        taxonomies.append({"id": tax_id, "name": tax["name"], "description": tax["description"],
                           "uri": tax["uri"], "version": tax["version"]})
        for code, name, desc in term_list:
            term_id = uid("taxonomy_term", f"{tax['slug']}:{code}")
            ids[f"{tax['slug']}:{code}"] = term_id
            term = {"id": term_id, "name": name, "description": desc}
            if "." in code:
                parent = code.rsplit(".", 1)[0]
                term["parent_id"] = ids[f"{tax['slug']}:{parent}"]
            term.update({"taxonomy": tax["name"], "taxonomy_id": tax_id, "code": code})
            terms.append(term)
    needs = {k.split(":", 1)[1]: v for k, v in ids.items() if k.startswith("needs:")}
    suitable = {k.split(":", 1)[1]: v for k, v in ids.items() if k.startswith("suitable:")}
    return {"taxonomies": taxonomies, "taxonomy_terms": terms}, needs, suitable


def build_locations(postcodes: dict[str, dict]) -> dict[str, dict]:
    numbers = Numbers("020 7946 0", 400, 3)
    out = {}
    for slug, p in PLACES.items():
        row = postcodes.get(p["postcode"])
        if row is None:
            raise SeedError(f"{slug}: postcode {p['postcode']} is not in the geo pack")
        loc_id = uid("location", slug)
        loc = {"id": loc_id, "location_type": "physical", "name": p["name"]}
        if p["desc"]:
            loc["description"] = p["desc"]
        loc["latitude"] = float(row["latitude"])
        loc["longitude"] = float(row["longitude"])
        if p["confidential"]:
            loc["confidential"] = True
        loc["addresses"] = [{
            "id": uid("address", slug), "location_id": loc_id,
            "address_1": p["address_1"], "city": "London",
            "state_province": "Greater London", "postal_code": row["postcode"],
            "country": "GB", "address_type": "physical",
        }]
        if p["access"]:
            desc, details = ACCESS[p["access"]]
            a = {"id": uid("accessibility", slug), "location_id": loc_id, "description": desc}
            if details:
                a["details"] = details
            loc["accessibility"] = [a]
        if p["phone"] and not p["confidential"]:
            loc["phones"] = [phone_obj(f"location:{slug}", numbers.take(), "voice", "Reception")]
        out[slug] = loc
    return out


def build_organizations() -> tuple[dict[str, dict], dict[str, str]]:
    numbers = Numbers("020 7946 0", 100, 3)
    orgs, main_lines = {}, {}
    for slug, o in ORGS.items():
        obj = {"id": uid("organization", slug), "name": o["name"],
               "description": o["desc"] + ORG_LABEL}
        if o["domain"]:
            obj["email"] = f"hello@{o['domain']}"
            obj["website"] = f"https://{o['domain']}/"
        idents = []
        if o["charity"]:
            idents.append({"id": uid("organization_identifier", f"{slug}:charity"),
                           "identifier_scheme": "GB-CHC", "identifier_type": "Charity number",
                           "identifier": o["charity"]})
        if o["company"]:
            idents.append({"id": uid("organization_identifier", f"{slug}:company"),
                           "identifier_scheme": "GB-COH", "identifier_type": "Company number",
                           "identifier": o["company"]})
        if idents:
            obj["organization_identifiers"] = idents
        orgs[slug] = obj
        if o["phone"]:
            main_lines[slug] = numbers.take()
    return orgs, main_lines


KNOWN_KEYS = {"needs", "suit", "at", "online", "sched", "langs", "cost", "fees", "route",
              "ref_email", "ref_phone", "ref_url", "ref_text", "elig", "ages", "status",
              "alert", "assured", "contact", "phones", "phone", "email", "url", "area",
              "accreditations"}


def build_services(locations, orgs, main_lines, needs_ids, suitable_ids) -> list[dict]:
    mobiles = Numbers("07700 900", 100, 3)
    out = []
    for s in SERVICES:
        unknown = set(s) - KNOWN_KEYS - {"slug", "org", "name", "desc"}
        if unknown:
            raise SeedError(f"{s['slug']}: unknown keys {sorted(unknown)}")
        slug = s["slug"]
        sid = uid("service", slug)
        o = ORGS[s["org"]]
        svc_obj = {"id": sid, "organization_id": orgs[s["org"]]["id"],
                   "name": s["name"], "description": s["desc"]}
        url = s.get("url") or (f"https://{o['domain']}/" if o["domain"] else None)
        if url:
            svc_obj["url"] = url
        if s.get("email"):
            svc_obj["email"] = s["email"]
        status = s.get("status", "active")
        svc_obj["status"] = status
        if s.get("alert"):
            svc_obj["alert"] = s["alert"]
        if s.get("fees"):
            svc_obj["fees"] = s["fees"]
        if s.get("accreditations"):
            svc_obj["accreditations"] = s["accreditations"]
        if s.get("elig"):
            svc_obj["eligibility_description"] = s["elig"]
        lo, hi = s.get("ages", (None, None))
        if lo is not None:
            svc_obj["minimum_age"] = lo
        if hi is not None:
            svc_obj["maximum_age"] = hi
        assured, modified = freshness(slug, s.get("assured", True) is not False)
        if assured:
            svc_obj["assured_date"] = assured
            svc_obj["assurer_email"] = ASSURER_EMAIL
        svc_obj["last_modified"] = modified

        route = s.get("route")
        if route not in ROUTES:
            raise SeedError(f"{slug}: referral route {route!r}")
        svc_obj["referral_route"] = route
        for key, field in (("ref_email", "referral_email"), ("ref_phone", "referral_phone"),
                           ("ref_url", "referral_url"), ("ref_text", "referral_instructions")):
            if s.get(key):
                svc_obj[field] = s[key]

        # Places
        place_slugs = s.get("at", "").split()
        sals, sal_ids = [], {}
        for p in place_slugs:
            if p not in locations:
                raise SeedError(f"{slug}: unknown place {p!r}")
            sal_id = uid("service_at_location", f"{slug}:{p}")
            sal_ids[p] = sal_id
            sals.append({"id": sal_id, "service_id": sid, "location_id": locations[p]["id"],
                         "location": locations[p]})
        if s.get("online"):
            vid = uid("location", f"virtual:{slug}")
            vloc = {"id": vid, "location_type": "virtual", "name": f"{s['name']} (online)"}
            if url:
                vloc["url"] = url
            sal_id = uid("service_at_location", f"{slug}:virtual")
            sals.append({"id": sal_id, "service_id": sid, "location_id": vid, "location": vloc})

        # Schedules
        schedules = []
        for i, spec in enumerate(s.get("sched", [])):
            sc = parse_schedule(spec)
            obj = {"id": uid("schedule", f"{slug}:{i}"), "service_id": sid}
            place_for = sc["place"] or (place_slugs[0] if len(place_slugs) == 1 else None)
            if sc["place"] and sc["place"] not in sal_ids:
                raise SeedError(f"{slug}: schedule place {sc['place']!r} is not one of its places")
            if place_for:
                obj["service_at_location_id"] = sal_ids[place_for]
            if sc["valid_from"]:
                obj["valid_from"] = sc["valid_from"]
            if sc["valid_to"]:
                obj["valid_to"] = sc["valid_to"]
            obj["freq"] = sc["freq"]
            obj["byday"] = sc["byday"]
            obj["opens_at"] = sc["opens"]
            obj["closes_at"] = sc["closes"]
            obj["description"] = sc["words"] or schedule_words(
                sc["freq"], sc["byday"], sc["opens"], sc["closes"], sc["valid_from"], sc["valid_to"])
            schedules.append(obj)
        if schedules:
            svc_obj["schedules"] = schedules

        areas = s.get("area")
        if areas:
            if isinstance(areas, str):
                areas = [areas]
            svc_obj["service_areas"] = [
                {"id": uid("service_area", f"{slug}:{i}"), "service_id": sid, "name": a}
                for i, a in enumerate(areas)]
        if sals:
            svc_obj["service_at_locations"] = sals

        svc_obj["languages"] = [language_obj(f"service:{slug}", c)
                                for c in s.get("langs", "eng").split()]

        phones = []
        if s.get("phones"):
            for i, (number, ptype, desc, langs) in enumerate(s["phones"]):
                phones.append(phone_obj(f"service:{slug}:{i}", number, ptype, desc, langs))
        elif s.get("phone", True) and s["org"] in main_lines:
            phones.append(phone_obj(f"service:{slug}:0", main_lines[s["org"]], "voice"))
        if phones:
            svc_obj["phones"] = phones

        cost = s.get("cost", FREE)
        if cost == FREE:
            svc_obj["cost_options"] = [{"id": uid("cost_option", f"{slug}:0"),
                                        "option": "Free", "amount": 0}]
        elif cost:
            opts = []
            for i, (option, amount, amount_desc) in enumerate(cost):
                c = {"id": uid("cost_option", f"{slug}:{i}"), "option": option, "amount": amount}
                if amount_desc:
                    c["amount_description"] = amount_desc
                opts.append(c)
            svc_obj["cost_options"] = opts

        if s.get("contact"):
            name, title, *rest = s["contact"]
            c = {"id": uid("contact", f"{slug}:0"), "service_id": sid, "name": name, "title": title}
            if rest:
                c["email"] = rest[0]
            c["phones"] = [phone_obj(f"contact:{slug}:0", mobiles.take(), "voice", "Mobile")]
            svc_obj["contacts"] = [c]

        attrs = []
        for code in s.get("needs", "").split():
            if code not in needs_ids:
                raise SeedError(f"{slug}: unknown need {code!r}")
            attrs.append({"id": uid("attribute", f"{slug}:needs:{code}"),
                          "taxonomy_term_id": needs_ids[code], "link_type": "need"})
        for code in s.get("suit", "").split():
            if code not in suitable_ids:
                raise SeedError(f"{slug}: unknown suitable-for term {code!r}")
            attrs.append({"id": uid("attribute", f"{slug}:suitable:{code}"),
                          "taxonomy_term_id": suitable_ids[code], "link_type": "suitable_for"})
        svc_obj["attributes"] = attrs
        svc_obj["organization"] = orgs[s["org"]]
        out.append(svc_obj)
    return out


# --- Geography ---------------------------------------------------------------------

def ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid of one closed ring (shoelace), in lon/lat units.

    A planar centroid in lon/lat equals the centroid in a local equirectangular
    projection, because scaling one axis by a constant does not move it."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2.0
    return a, cx / (6.0 * a), cy / (6.0 * a)


def polygon_area_centroid(rings: list) -> tuple[float, float, float]:
    """Area (outline minus holes) and area-weighted centroid of one polygon."""
    total = sx = sy = 0.0
    for i, ring in enumerate(rings):
        a, cx, cy = ring_area_centroid(ring)
        w = abs(a) if i == 0 else -abs(a)  # the first ring is the outline, the rest are holes
        total += w
        sx += w * cx
        sy += w * cy
    return total, sx / total, sy / total


def build_geography(gdir: Path) -> tuple[list[dict], list[dict]]:
    with (gdir / "tower-hamlets-wards.geojson").open(encoding="utf-8") as f:
        wards_geo = json.load(f)
    with (gdir / "tower-hamlets-ward-localities.csv").open(newline="", encoding="utf-8") as f:
        localities = {r["ward_code"]: r["tht_locality"] for r in csv.DictReader(f)}
    wards = []
    for feat in wards_geo["features"]:
        props, geom = feat["properties"], feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        parts = [polygon_area_centroid(rings) for rings in polys]
        total = sum(p[0] for p in parts)
        sx = sum(p[0] * p[1] for p in parts)
        sy = sum(p[0] * p[2] for p in parts)
        wards.append({"ward_code": props["ward_code"], "ward_name": props["ward_name"],
                      "locality": localities[props["ward_code"]],
                      "centroid_latitude": f"{sy / total:.4f}",
                      "centroid_longitude": f"{sx / total:.4f}"})
    wards.sort(key=lambda w: w["ward_code"])
    order = ["North West", "North East", "South West", "South East"]
    locs = []
    for loc in order:
        names = [w["ward_name"] for w in wards if w["locality"] == loc]
        locs.append({"locality": loc, "description": (
            f"Tower Hamlets Together locality covering {join_words(names)}; "
            "this ward-to-locality assignment is derived from where GP networks sit "
            "and has not been verified by Tower Hamlets Together or the council.")})
    return wards, locs


# --- Output ------------------------------------------------------------------------

def csv_text(rows: list[dict], fields: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)

# --- Self-check ----------------------------------------------------------------------

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
EMAIL_RE = re.compile(r"^[a-z0-9._%+-]+@([a-z0-9-]+\.)*example\.org$")
URL_RE = re.compile(r"^https://([a-z0-9-]+\.)*example\.org/[A-Za-z0-9/_.-]*$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
WEEKLY_BYDAY_RE = re.compile(r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$")
MONTHLY_BYDAY_RE = re.compile(r"^-?[1-4](MO|TU|WE|TH|FR|SA|SU)$")
PHONE_RANGES = [re.compile(r"^020 7946 0\d{3}$"), re.compile(r"^0808 157 0\d{3}$"),
                re.compile(r"^07700 900\d{3}$")]


def walk(obj, path="$"):
    """Yield (path, key, value) for every member of every object."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield path, k, v
            yield from walk(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk(v, f"{path}[{i}]")


def objects(obj):
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from objects(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from objects(v)


def self_check(tax_doc, services, locations, postcodes, wards) -> list[str]:
    errors: list[str] = []

    def check(cond, msg):
        if not cond:
            errors.append(msg)

    # Counts
    org_ids = {s["organization"]["id"] for s in services}
    check(len(services) >= 160, f"only {len(services)} services")
    check(len(org_ids) >= 85, f"only {len(org_ids)} organisations")
    check(len(org_ids) == len(ORGS), "an organisation has no service")

    # Ids: valid uuid5, and one id means one object everywhere
    seen: dict[str, str] = {}
    for doc in [tax_doc] + services:
        for o in objects(doc):
            if "id" not in o:
                continue
            check(isinstance(o["id"], str) and UUID_RE.match(o["id"]), f"bad uuid {o.get('id')!r}")
            text = json.dumps(o, sort_keys=True, ensure_ascii=False)
            if seen.setdefault(o["id"], text) != text:
                errors.append(f"id {o['id']} used for two different objects")
    for s in services:
        for path, k, v in walk(s):
            if k.endswith("_id") and isinstance(v, str):
                check(UUID_RE.match(v), f"{s['name']}: {path}.{k} is not a uuid")

    # No null, empty string, empty array or empty object
    for doc in [tax_doc] + services:
        for path, k, v in walk(doc):
            check(v is not None and v != "" and v != [] and v != {},
                  f"empty value at {path}.{k} in {doc.get('name', 'taxonomies')}")

    # Taxonomy terms
    term_by_id = {t["id"]: t for t in tax_doc["taxonomy_terms"]}
    needs_tax = next(t["id"] for t in tax_doc["taxonomies"] if t["name"] == NEEDS_TAXONOMY["name"])
    top_level = [t for t in tax_doc["taxonomy_terms"] if t["taxonomy_id"] == needs_tax and "parent_id" not in t]
    check(len(top_level) >= 28, f"only {len(top_level)} top-level needs")
    use = Counter()
    for s in services:
        needs = [a for a in s["attributes"] if a["link_type"] == "need"]
        check(1 <= len(needs) <= 3, f"{s['name']}: {len(needs)} needs")
        for a in s["attributes"]:
            term = term_by_id.get(a["taxonomy_term_id"])
            check(term is not None, f"{s['name']}: attribute points at an unknown term")
            want = "need" if term and term["taxonomy_id"] == needs_tax else "suitable_for"
            check(a["link_type"] == want, f"{s['name']}: link_type {a['link_type']} for {term and term['code']}")
            check("taxonomy_term" not in a, f"{s['name']}: nested taxonomy_term")
            use[a["taxonomy_term_id"]] += 1
    for t in tax_doc["taxonomy_terms"]:
        minimum = 3 if t["taxonomy_id"] == needs_tax else 2
        check(use[t["id"]] >= minimum, f"term {t['code']} ({t['taxonomy']}) used {use[t['id']]} times")

    # Locations and geography
    ward_codes = {w["ward_code"] for w in wards}
    ward_names = {w["ward_name"]: w["ward_code"] for w in wards}
    check(len(ward_codes) == 20, f"{len(ward_codes)} wards")
    used_places = set()
    for s in services:
        for sal in s.get("service_at_locations", []):
            used_places.add(sal["location"]["id"])
    for slug, p in PLACES.items():
        loc = locations[slug]
        check(loc["id"] in used_places, f"place {slug} is used by no service")
        row = postcodes.get(loc["addresses"][0]["postal_code"])
        check(row is not None, f"{slug}: postcode not in the geo pack")
        if row is None:
            continue
        check(loc["latitude"] == float(row["latitude"]) and loc["longitude"] == float(row["longitude"]),
              f"{slug}: coordinates differ from the geo pack")
        if p["ward"] is None:
            check(row["in_tower_hamlets"] == "false", f"{slug}: meant to be outside the borough")
        else:
            check(row["ward_code"] == ward_names.get(p["ward"]),
                  f"{slug}: postcode is in {row['ward_name']}, not {p['ward']}")
    per_ward = Counter()
    for slug, p in PLACES.items():
        row = postcodes[p["postcode"]]
        if row["in_tower_hamlets"] == "true" and not p["confidential"]:
            per_ward[row["ward_code"]] += 1
    for code in sorted(ward_codes):
        check(per_ward[code] >= 3, f"ward {code} has {per_ward[code]} public physical locations")
    confidential = [p for p in PLACES.values() if p["confidential"]]
    check(3 <= len(confidential) <= 4, f"{len(confidential)} confidential locations")
    outside_services = [s for s in services if any(
        postcodes[sal["location"]["addresses"][0]["postal_code"]]["in_tower_hamlets"] == "false"
        for sal in s.get("service_at_locations", []) if sal["location"]["location_type"] == "physical")]
    check(4 <= len(outside_services) <= 6, f"{len(outside_services)} services outside the borough")
    with_access = sum(1 for loc in locations.values() if "accessibility" in loc)
    check(0.55 <= with_access / len(locations) <= 0.85, f"accessibility on {with_access}/{len(locations)} locations")

    # Per-service rules
    statuses = Counter(s["status"] for s in services)
    check(statuses["temporarily closed"] == 5, f"{statuses['temporarily closed']} temporarily closed")
    check(statuses["inactive"] == 2, f"{statuses['inactive']} inactive")
    check(statuses["defunct"] == 1, f"{statuses['defunct']} defunct")
    assured = [s for s in services if "assured_date" in s]
    cutoff = (REFERENCE_DATE - dt.timedelta(days=365)).isoformat()
    old = [s for s in assured if s["assured_date"] < cutoff]
    check(0.15 <= len(old) / len(assured) <= 0.27, f"{len(old)}/{len(assured)} assured dates are old")
    check(1 <= len(services) - len(assured) <= 8, f"{len(services) - len(assured)} services without assured_date")
    helplines = 0
    h24 = 0
    kinds = Counter()
    for s in services:
        name = s["name"]
        check(s["organization_id"] == s["organization"]["id"], f"{name}: organization_id mismatch")
        check(s["organization"]["description"].endswith(ORG_LABEL), f"{name}: org label missing")
        if s["status"] == "temporarily closed":
            check("alert" in s, f"{name}: temporarily closed without alert")
        check(("assurer_email" in s) == ("assured_date" in s), f"{name}: assurer_email without assured_date")
        check(DATETIME_RE.match(s["last_modified"]), f"{name}: last_modified format")
        if "assured_date" in s:
            check(DATE_RE.match(s["assured_date"]), f"{name}: assured_date format")
            check(s["last_modified"][:10] >= s["assured_date"], f"{name}: modified before assured")
            check("2024-06-01" <= s["assured_date"] <= "2026-11-30", f"{name}: assured_date out of range")
        if "minimum_age" in s and "maximum_age" in s:
            check(s["minimum_age"] <= s["maximum_age"], f"{name}: ages")
        for lang in s["languages"]:
            check(re.fullmatch(r"[a-z]{3}", lang["code"]), f"{name}: language code {lang['code']}")
        for sc in s.get("schedules", []):
            check(TIME_RE.match(sc["opens_at"]) and TIME_RE.match(sc["closes_at"]), f"{name}: schedule time")
            rx = MONTHLY_BYDAY_RE if sc["freq"] == "MONTHLY" else WEEKLY_BYDAY_RE
            check(rx.match(sc["byday"]) and sc["freq"] in ("WEEKLY", "MONTHLY"), f"{name}: byday {sc['byday']}")
            for k in ("valid_from", "valid_to"):
                if k in sc:
                    check(DATE_RE.match(sc[k]), f"{name}: {k}")
            if sc.get("service_at_location_id"):
                check(sc["service_at_location_id"] in {x["id"] for x in s.get("service_at_locations", [])},
                      f"{name}: schedule points at another service's location")
            o, c = sc["opens_at"], sc["closes_at"]
            if (o, c) == ("00:00", "23:59"):
                kinds["24 hours"] += 1
            elif c < o:
                kinds["overnight"] += 1
            elif c > "18:00" and o >= "17:00":
                kinds["evening"] += 1
            if sc["freq"] == "MONTHLY":
                kinds["monthly"] += 1
            if any(d in sc["byday"] for d in ("SA", "SU")):
                kinds["weekend"] += 1
        physical = [x for x in s.get("service_at_locations", []) if x["location"]["location_type"] == "physical"]
        if not physical and s.get("phones"):
            helplines += 1
            if any((sc["opens_at"], sc["closes_at"]) == ("00:00", "23:59") for sc in s.get("schedules", [])):
                h24 += 1
    for k in ("24 hours", "overnight", "evening", "monthly", "weekend"):
        check(kinds[k] >= 1, f"no {k} schedule")
    check(kinds["monthly"] >= 3, "fewer than 3 monthly schedules")
    check(helplines >= 6 and h24 >= 2, f"{helplines} phone-only services, {h24} of them 24-hour")
    online = [s for s in services if any(x["location"]["location_type"] == "virtual"
                                         for x in s.get("service_at_locations", []))]
    check(len(online) >= 5, f"{len(online)} online services")
    bengali = [s for s in services if {"ben", "syl"} <= {l["code"] for l in s["languages"]}]
    check(len(bengali) >= 40, f"only {len(bengali)} services offer Bengali and Sylheti")

    # Strings that must be well formed, anywhere
    for s in services:
        for path, k, v in walk(s):
            if k in ("email", "assurer_email", "referral_email"):
                check(EMAIL_RE.match(v), f"{s['name']}: bad email {v!r}")
            if k in ("url", "website", "referral_url"):
                check(URL_RE.match(v), f"{s['name']}: bad url {v!r}")
            if k in ("number", "referral_phone"):
                check(any(r.match(v) for r in PHONE_RANGES), f"{s['name']}: number {v!r} outside drama ranges")
    for t in tax_doc["taxonomies"]:
        check(URL_RE.match(t["uri"]), f"taxonomy uri {t['uri']}")
    return errors


# --- Report --------------------------------------------------------------------------

def report(services, locations, postcodes, wards, tax_doc) -> str:
    lines = []
    phys = [l for l in locations.values()]
    outside = [l for l in phys if postcodes[l["addresses"][0]["postal_code"]]["in_tower_hamlets"] == "false"]
    conf = [l for l in phys if l.get("confidential")]
    virtual = {x["location"]["id"] for s in services for x in s.get("service_at_locations", [])
               if x["location"]["location_type"] == "virtual"}
    no_place = [s for s in services if not s.get("service_at_locations")]
    statuses = Counter(s["status"] for s in services)
    cutoff = (REFERENCE_DATE - dt.timedelta(days=365)).isoformat()
    assured = [s for s in services if "assured_date" in s]
    old = [s for s in assured if s["assured_date"] < cutoff]
    orgs = {s["organization"]["id"] for s in services}

    lines += ["| What | Count |", "| --- | ---: |",
              f"| Services | {len(services)} |",
              f"| Organisations | {len(orgs)} |",
              f"| Physical locations | {len(phys)} |",
              f"| of which confidential (never published) | {len(conf)} |",
              f"| of which outside Tower Hamlets | {len(outside)} |",
              f"| Virtual (online) locations | {len(virtual)} |",
              f"| Services with no location (phone or area only) | {len(no_place)} |",
              f"| Services with an assured date | {len(assured)} |",
              f"| of which assured more than 12 months before {REFERENCE_DATE.isoformat()} | {len(old)} |",
              ""]
    lines += ["| Status | Services |", "| --- | ---: |"]
    for st in ("active", "temporarily closed", "inactive", "defunct"):
        lines.append(f"| {st} | {statuses[st]} |")
    lines.append("")

    lines += ["| Need | Code | Services |", "| --- | --- | ---: |"]
    use = Counter(a["taxonomy_term_id"] for s in services for a in s["attributes"])
    for t in tax_doc["taxonomy_terms"]:
        if t["taxonomy"] == NEEDS_TAXONOMY["name"]:
            lines.append(f"| {t['name']} | `{t['code']}` | {use[t['id']]} |")
    lines.append("")
    lines += ["| Suitable for | Code | Services |", "| --- | --- | ---: |"]
    for t in tax_doc["taxonomy_terms"]:
        if t["taxonomy"] == SUITABLE_TAXONOMY["name"]:
            lines.append(f"| {t['name']} | `{t['code']}` | {use[t['id']]} |")
    lines.append("")

    ward_of = {}
    for slug, loc in locations.items():
        row = postcodes[loc["addresses"][0]["postal_code"]]
        ward_of[loc["id"]] = row["ward_code"] if row["in_tower_hamlets"] == "true" else None
    ward_locs, ward_svcs = Counter(), defaultdict(set)
    for slug, loc in locations.items():
        if ward_of[loc["id"]]:
            ward_locs[ward_of[loc["id"]]] += 1
    for s in services:
        for x in s.get("service_at_locations", []):
            w = ward_of.get(x["location"]["id"])
            if w:
                ward_svcs[w].add(s["id"])
    lines += ["| Ward | Code | Locality | Locations | Services |", "| --- | --- | --- | ---: | ---: |"]
    for w in wards:
        lines.append(f"| {w['ward_name']} | {w['ward_code']} | {w['locality']} | "
                     f"{ward_locs[w['ward_code']]} | {len(ward_svcs[w['ward_code']])} |")
    lines.append("")
    loc_of_ward = {w["ward_code"]: w["locality"] for w in wards}
    lines += ["| Locality | Locations | Services |", "| --- | ---: | ---: |"]
    for loc_name in ["North West", "North East", "South West", "South East"]:
        codes = [c for c, l in loc_of_ward.items() if l == loc_name]
        n_locs = sum(ward_locs[c] for c in codes)
        n_svcs = len(set().union(*(ward_svcs[c] for c in codes)))
        lines.append(f"| {loc_name} | {n_locs} | {n_svcs} |")
    lines.append("")
    lines.append("Location and service counts per ward include confidential locations; "
                 "a service held in two wards counts in both.")
    return "\n".join(lines) + "\n"


# --- Main ----------------------------------------------------------------------------

def main() -> int:
    gdir = geo_dir()
    try:
        postcodes = load_postcodes(gdir)
        tax_doc, needs_ids, suitable_ids = build_taxonomies()
        locations = build_locations(postcodes)
        orgs, main_lines = build_organizations()
        services = build_services(locations, orgs, main_lines, needs_ids, suitable_ids)
        wards, localities = build_geography(gdir)
    except SeedError as e:
        print(f"build_seed: {e}", file=sys.stderr)
        return 1

    errors = self_check(tax_doc, services, locations, postcodes, wards)
    if errors:
        for e in errors:
            print(f"self-check FAILED: {e}", file=sys.stderr)
        return 1

    write_text(SEED_DIR / "taxonomies.json", json.dumps(tax_doc, ensure_ascii=False, indent=2) + "\n")
    write_text(SEED_DIR / "services.ndjson", "".join(
        json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n" for s in services))
    write_text(SEED_DIR / "geography" / "wards.csv", csv_text(
        wards, ["ward_code", "ward_name", "locality", "centroid_latitude", "centroid_longitude"]))
    write_text(SEED_DIR / "geography" / "localities.csv", csv_text(localities, ["locality", "description"]))
    print(report(services, locations, postcodes, wards, tax_doc), end="")
    print("self-check passed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
