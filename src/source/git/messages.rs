//! Commit and annotated-tag messages: people paste tokens into them, and they live in
//! history as long as any blob.

use gix::bstr::ByteSlice;
use gix::ObjectId;

use super::{object_error, GitError};
use crate::date::rfc3339;
use crate::provenance::TagInfo;

/// An annotated tag and its message.
pub struct TagMessage {
    pub info: TagInfo,
    /// The commit the tag finally points at (after peeling nested tags), if any.
    pub commit: Option<ObjectId>,
    /// The full message, as stored.
    pub message: Vec<u8>,
}

/// Every annotated tag under `refs/tags/`, with the errors of those that could not be
/// read. A tag pointing at another tag is listed once per tag object.
pub fn tag_messages(repo: &gix::Repository) -> (Vec<TagMessage>, Vec<GitError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let Ok(platform) = repo.references() else {
        return (out, errors);
    };
    let Ok(tags) = platform.tags() else {
        return (out, errors);
    };
    let mut seen = std::collections::HashSet::new();
    for reference in tags.flatten() {
        let name = reference.name().shorten().to_str_lossy().into_owned();
        let Some(mut id) = reference.target().try_id().map(|id| id.to_owned()) else {
            continue;
        };
        // Follow nested tags: each tag object on the way has its own message.
        loop {
            let object = match repo.find_object(id) {
                Ok(object) => object,
                Err(e) => {
                    errors.push(object_error(id, e));
                    break;
                }
            };
            if object.kind != gix::object::Kind::Tag {
                break;
            }
            let tag = match object.try_into_tag() {
                Ok(tag) => tag,
                Err(e) => {
                    errors.push(object_error(id, e));
                    break;
                }
            };
            let decoded = match tag.decode() {
                Ok(decoded) => decoded,
                Err(e) => {
                    errors.push(object_error(id, e));
                    break;
                }
            };
            let target = decoded.target();
            if seen.insert(id) {
                let (tagger_name, tagger_email, date) = match decoded.tagger() {
                    Ok(Some(t)) => (
                        t.name.to_str_lossy().into_owned(),
                        t.email.to_str_lossy().into_owned(),
                        rfc3339(t.seconds()),
                    ),
                    _ => Default::default(),
                };
                out.push(TagMessage {
                    info: TagInfo {
                        name: name.clone(),
                        id: id.to_string(),
                        tagger_name,
                        tagger_email,
                        date,
                        target: target.to_string(),
                    },
                    commit: None,
                    message: decoded.message.to_vec(),
                });
            }
            id = target;
        }
        // The commit at the end of the chain, for range scans.
        let commit = repo
            .find_object(id)
            .ok()
            .filter(|o| o.kind == gix::object::Kind::Commit)
            .map(|o| o.id);
        for m in out.iter_mut().rev() {
            if m.info.name != name || m.commit.is_some() {
                break;
            }
            m.commit = commit;
        }
    }
    (out, errors)
}
