//! The bottom layer: the engine's vocabulary, ids, the permission table, errors and the
//! problems `verify` reports. Nothing here runs SQL or imports any other engine module.

pub(crate) mod canonical;
pub mod error;
pub(crate) mod html;
pub mod ids;
pub mod mask;
pub mod messages;
pub mod permission;
pub mod problem;
pub mod text;
pub(crate) mod time;
pub mod vocab;

pub use error::{Error, Result};
pub use ids::{ConsentEventId, DeviceId, EventId, NoticeVersionId, OperatorId, ReceiptId, SubjectId};
pub use permission::{name_key, validate_name, Action, Operator, Role};
pub use problem::{Place, Problem};
pub use time::{Clock, FixedClock, SystemClock};
pub(crate) use vocab::string_enum;
pub use vocab::{Language, Refusal};
