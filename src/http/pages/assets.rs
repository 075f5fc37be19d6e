//! Static files (`web/static/`), built into the binary and served under names that carry
//! a hash of their content (`/static/site.3f9a1c2b7d.css`), so browsers may keep them for a
//! year and a new release is fetched at once.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

/// A built-in static file.
pub struct StaticAsset {
    stem: &'static str,
    extension: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    hash: String,
    url: String,
}

impl StaticAsset {
    fn new(
        stem: &'static str,
        extension: &'static str,
        content_type: &'static str,
        body: &'static [u8],
    ) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        body.hash(&mut hasher);
        let hash = format!("{:010x}", hasher.finish() & 0xff_ffff_ffff);
        let url = format!("/static/{stem}.{hash}.{extension}");
        Self {
            stem,
            extension,
            content_type,
            body,
            hash,
            url,
        }
    }

    /// The URL to link to.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// The stylesheet.
pub static CSS: LazyLock<StaticAsset> = LazyLock::new(|| {
    StaticAsset::new(
        "site",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../../../web/static/site.css"),
    )
});
/// The optional script.
pub static JS: LazyLock<StaticAsset> = LazyLock::new(|| {
    StaticAsset::new(
        "site",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/static/site.js"),
    )
});

/// `GET /static/{name}`: a file by its hashed name (long cache), or by an old hash or none
/// (served, but not to be kept: a page from before a release still gets its styles).
pub async fn get(name: web::Path<String>, request: HttpRequest) -> HttpResponse {
    let name = name.into_inner();
    let Some(asset) = [&*CSS, &*JS].into_iter().find(|asset| {
        name.starts_with(&format!("{}.", asset.stem))
            && name.ends_with(&format!(".{}", asset.extension))
    }) else {
        return super::not_found(&request);
    };
    let current = name == asset.url().trim_start_matches("/static/");
    let etag = format!("\"{}\"", asset.hash);
    let cache = if current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = super::etag_matches(&request, &etag);
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag));
    if fresh {
        response.finish()
    } else {
        response.body(asset.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Declarations of `css` that name a physical side (left or right) rather than the start
    /// or end of a line.
    fn physical_directions(css: &str) -> Vec<String> {
        let mut physical = Vec::new();
        for (number, line) in css.lines().enumerate() {
            for declaration in line.split([';', '{', '}']) {
                let Some((property, value)) = declaration.split_once(':') else {
                    continue;
                };
                let property = property.trim();
                let sided = property.ends_with("-left")
                    || property.ends_with("-right")
                    || property.contains("-left-")
                    || property.contains("-right-")
                    || matches!(property, "left" | "right");
                let aligned = matches!(property, "float" | "clear" | "text-align")
                    && (value.contains("left") || value.contains("right"));
                if sided || aligned {
                    physical.push(format!("line {}: {}", number + 1, declaration.trim()));
                }
            }
        }
        physical
    }

    /// Right-to-left readiness: the stylesheet speaks of the start and end of a line
    /// (`margin-inline-start`, `inset-inline-start`, `text-align: start`), never of its left
    /// and right, so `dir="rtl"` on the page mirrors the layout with no other change.
    #[test]
    fn the_stylesheet_has_no_left_or_right() {
        let css = std::str::from_utf8(CSS.body).unwrap();
        let physical = physical_directions(css);
        assert!(
            physical.is_empty(),
            "physical directions in site.css: {physical:?}"
        );
    }

    #[test]
    fn physical_directions_are_found() {
        let sample = "a { margin-left: 1rem; color: red }\nb { text-align: right; border-right-width: 1px; left: 0 }\nc { margin-inline-start: 1rem; a:hover { x: y } }";
        assert_eq!(physical_directions(sample).len(), 4);
    }
}
