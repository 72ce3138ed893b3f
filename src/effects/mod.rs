//! Effects on the world: files written (a staged new project, files replaced
//! in place), git repositories, and the interrupts and deadlines that may
//! cut them short. Everything above decides *what* to write; this layer
//! decides only *how*, so that nothing is ever left half-written.

pub mod deadline;
pub mod git;
pub mod interrupt;
pub mod replace;
pub mod staging;
pub mod stale;
