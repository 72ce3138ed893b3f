//! Small pieces every layer uses: safe YAML loading, "did you mean" hints,
//! calendar dates and slugs.

pub mod date;
pub mod glob;
pub mod slug;
pub mod suggest;
pub mod yaml;
