//! The build date: the data's `date`, else `SOURCE_DATE_EPOCH`, else none.
//! Never the clock, so the same input always gives the same PDF.

use std::ffi::OsString;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use typst::foundations::Datetime;

use crate::report::diag::{Diagnostic, Result};

/// The environment variable of the reproducible-builds convention.
pub const EPOCH_VAR: &str = "SOURCE_DATE_EPOCH";

/// A 发布/编制日期 as written in `document.toml` (`date = 2025-01-20`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocDate {
    /// Year, e.g. 2025.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month.
    pub day: u8,
}

impl fmt::Display for DocDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for DocDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error;
        let hint = "日期应写成不带引号的 TOML 日期，例如 date = 2025-01-20";
        let value = toml::value::Datetime::deserialize(d)
            .map_err(|_| D::Error::custom(format!("{hint}（不是日期）")))?;
        match (value.date, value.time, value.offset) {
            (Some(date), None, None) => Ok(Self {
                year: date.year,
                month: date.month,
                day: date.day,
            }),
            _ => Err(D::Error::custom(format!(
                "{hint}，只写年月日（“{value}”带有时刻）"
            ))),
        }
    }
}

impl Serialize for DocDate {
    /// Writes a TOML date (not a string), so the value reads back.
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        toml::value::Datetime {
            date: Some(toml::value::Date {
                year: self.year,
                month: self.month,
                day: self.day,
            }),
            time: None,
            offset: None,
        }
        .serialize(s)
    }
}

/// The date a build writes as the PDF's creation date and gives Typst as
/// `datetime.today()`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuildDate {
    datetime: Datetime,
}

impl BuildDate {
    /// The creation timestamp for the PDF (UTC: no local zone may leak in).
    pub fn timestamp(&self) -> typst_pdf::Timestamp {
        typst_pdf::Timestamp::new_utc(self.datetime)
    }

    /// The calendar date as `YYYY-MM-DD` (OFD's `CreationDate`).
    pub fn iso_date(&self) -> Option<String> {
        let d = self.today();
        Some(format!(
            "{:04}-{:02}-{:02}",
            d.year()?,
            d.month()?,
            d.day()?
        ))
    }

    /// The calendar date, as `datetime.today()` returns it.
    pub fn today(&self) -> Datetime {
        let (y, m, d) = (
            self.datetime.year(),
            self.datetime.month(),
            self.datetime.day(),
        );
        y.zip(m)
            .zip(d)
            .and_then(|((y, m), d)| Datetime::from_ymd(y, m, d))
            .unwrap_or(self.datetime)
    }
}

/// The build date: the data's `date` wins over `SOURCE_DATE_EPOCH`; with
/// neither the PDF has no creation date.
pub fn resolve(data: Option<DocDate>) -> Result<Option<BuildDate>> {
    resolve_with(data, std::env::var_os(EPOCH_VAR))
}

/// [`resolve`] with the environment value given, for tests.
fn resolve_with(data: Option<DocDate>, epoch: Option<OsString>) -> Result<Option<BuildDate>> {
    if let Some(date) = data {
        let datetime =
            Datetime::from_ymd(date.year.into(), date.month, date.day).ok_or_else(|| {
                Diagnostic::error(format!("document.toml 的 date“{date}”不是有效日期"))
            })?;
        return Ok(Some(BuildDate { datetime }));
    }
    // An empty value counts as unset, as CI scripts often export it empty.
    match epoch.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => from_epoch(&raw.to_string_lossy())
            .map(|datetime| Some(BuildDate { datetime }))
            .ok_or_else(|| {
                Diagnostic::error(format!(
                    "环境变量 {EPOCH_VAR}=“{}”无效：应为 1970 年以来的整秒数（非负整数）",
                    raw.to_string_lossy()
                ))
                .with_hint(format!(
                    "例如 {EPOCH_VAR}=1737331200 表示 2025-01-20 00:00:00 UTC；不需要时请取消设置该变量"
                ))
                .into()
            }),
    }
}

/// UTC date and time of Unix seconds (years up to 9999).
fn from_epoch(raw: &str) -> Option<Datetime> {
    let secs: i64 = raw.trim().parse().ok().filter(|s| *s >= 0)?;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    let (hh, mm, ss) = ((t / 3600) as u8, (t / 60 % 60) as u8, (t % 60) as u8);
    Datetime::from_ymd_hms(
        i32::try_from(y).ok().filter(|y| *y <= 9999)?,
        m,
        d,
        hh,
        mm,
        ss,
    )
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian;
/// H. Hinnant's `civil_from_days`), so no date crate is needed.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch(v: &str) -> Result<Option<BuildDate>> {
        resolve_with(None, Some(v.into()))
    }

    #[test]
    fn epoch_seconds_become_utc_datetimes() {
        let d = epoch("1737331200").unwrap().unwrap();
        assert_eq!(
            d.datetime,
            Datetime::from_ymd_hms(2025, 1, 20, 0, 0, 0).unwrap()
        );
        let d = epoch("951868799").unwrap().unwrap(); // leap day, last second
        assert_eq!(
            d.datetime,
            Datetime::from_ymd_hms(2000, 2, 29, 23, 59, 59).unwrap()
        );
        assert_eq!(d.today(), Datetime::from_ymd(2000, 2, 29).unwrap());
        let d = epoch("0").unwrap().unwrap();
        assert_eq!(
            d.datetime,
            Datetime::from_ymd_hms(1970, 1, 1, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn bad_epoch_is_a_chinese_error_and_empty_is_unset() {
        for bad in ["abc", "-5", "1.5", "99999999999999"] {
            let err = epoch(bad).unwrap_err();
            assert!(err.0[0].message.contains(EPOCH_VAR), "{bad}: {err}");
            assert!(err.0[0].message.contains("无效"), "{bad}: {err}");
        }
        assert_eq!(epoch("").unwrap(), None);
        assert_eq!(resolve_with(None, None).unwrap(), None);
    }

    #[test]
    fn data_date_wins_over_the_environment() {
        let data = DocDate {
            year: 2025,
            month: 1,
            day: 20,
        };
        let d = resolve_with(Some(data), Some("junk".into()))
            .unwrap()
            .unwrap();
        assert_eq!(d.today(), Datetime::from_ymd(2025, 1, 20).unwrap());
    }

    #[test]
    fn document_date_must_be_a_bare_date() {
        #[derive(Deserialize)]
        struct T {
            date: DocDate,
        }
        let ok: T = toml::from_str("date = 2025-01-20").unwrap();
        assert_eq!(ok.date.to_string(), "2025-01-20");
        for bad in [
            "date = \"2025-01-20\"",
            "date = 2025-01-20T08:00:00",
            "date = 08:00:00",
        ] {
            let err = toml::from_str::<T>(bad).err().expect(bad).to_string();
            assert!(
                err.contains("日期应写成不带引号的 TOML 日期"),
                "{bad}: {err}"
            );
        }
    }
}
