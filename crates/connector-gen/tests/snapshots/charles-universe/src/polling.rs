//! Polling triggers of Charles Universe: one type per trigger, implementing
//! `connector_client::PollingTrigger` so the runtime can poll it durably (state kept between
//! polls, items stored before they are handled).
