//! An event's figures for the marketer (people per day and device, answers per purpose,
//! withdrawals, what is not yet sent), and switching the event to the notice version that
//! superseded the one it shows.

use consentry::capture::stats;
use consentry::domain::EventId;
use serde::Serialize;
use specta::Type;
use tauri::State;

use super::capture::{event_info, EventInfo};
use super::notices::MaterialView;
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Serialize, Type)]
pub struct DayView {
    pub day: String,
    pub people: u32,
}

#[derive(Serialize, Type)]
pub struct EventDeviceView {
    pub device_id: String,
    pub name: String,
    pub people: u32,
}

#[derive(Serialize, Type)]
pub struct PurposeCountView {
    pub purpose: String,
    pub grants: u32,
    pub refusals: u32,
    pub withdrawn: u32,
}

#[derive(Serialize, Type)]
pub struct SupersededView {
    pub number: u32,
    pub changes: Vec<MaterialView>,
}

#[derive(Serialize, Type)]
pub struct EventStatsView {
    pub event_id: String,
    pub people: u32,
    pub per_day: Vec<DayView>,
    pub per_device: Vec<EventDeviceView>,
    pub purposes: Vec<PurposeCountView>,
    pub withdrawn: u32,
    /// On a device enrolled with headquarters: people not yet sent; none elsewhere.
    pub unsent_people: Option<u32>,
    pub superseded_by: Option<SupersededView>,
}

fn n(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

fn view(s: stats::EventStats) -> EventStatsView {
    EventStatsView {
        event_id: s.event_id.into_string(),
        people: n(s.people),
        per_day: s.per_day.into_iter().map(|d| DayView { day: d.day, people: n(d.people) }).collect(),
        per_device: s
            .per_device
            .into_iter()
            .map(|d| EventDeviceView { device_id: d.device_id.into_string(), name: d.name, people: n(d.people) })
            .collect(),
        purposes: s
            .purposes
            .into_iter()
            .map(|p| PurposeCountView {
                purpose: p.purpose,
                grants: n(p.grants),
                refusals: n(p.refusals),
                withdrawn: n(p.withdrawn),
            })
            .collect(),
        withdrawn: n(s.withdrawn),
        unsent_people: s.unsent_people.map(n),
        superseded_by: s.superseded_by.map(|v| SupersededView {
            number: u32::try_from(v.number).unwrap_or(u32::MAX),
            changes: v.changes.iter().map(MaterialView::from).collect(),
        }),
    }
}

/// An event's figures (admin, legal, marketer).
#[tauri::command]
#[specta::specta]
pub async fn event_stats(state: State<'_, AppState>, id: String) -> ApiResult<EventStatsView> {
    state.with_session(move |s| stats::stats(s, &EventId::new(id)).map(view)).await
}

/// Shows another approved version of the event's notice from now on (marketer, admin).
#[tauri::command]
#[specta::specta]
pub async fn switch_event_notice(state: State<'_, AppState>, id: String, number: u32) -> ApiResult<EventInfo> {
    state.with_session(move |s| Ok(event_info(&stats::switch_notice(s, &EventId::new(id), i64::from(number))?))).await
}
