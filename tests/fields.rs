//! Fuzz-style property: random text in every string field and random numbers
//! in every number field never panic; the pipeline answers with diagnostics
//! or with a PDF whose text holds every input literally.
//!
//! The document is made with the model's own types and written with its
//! `Serialize`, so every field the format has is covered as it grows.

mod common;

use std::path::Path;

use jixiao::input::form::{DEFAULT_FORM, Registry};
use jixiao::input::model::{
    Amount, CheckSettings, Cover, Document, Goal, Labels, Measure, Overall, OverallPart, Project,
    Row, Style, Value,
};
use jixiao::input::stamp::DocDate;
use jixiao::pipeline::{self, Options, Prepared};
use jixiao::report::diag::SourceMap;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rust_decimal::Decimal;

use common::strategies::printable_text;
use common::{TempDir, page_bodies, squash};

/// Text for a field: printable, sometimes empty.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![12 => printable_text(), 1 => Just(String::new())]
}

/// Any exact decimal: negative, huge, or with many places.
fn amount() -> impl Strategy<Value = Amount> {
    (-1_000_000_000_000i64..1_000_000_000_000, 0u32..6)
        .prop_map(|(m, scale)| Amount(Decimal::new(m, scale)))
}

fn plan() -> impl Strategy<Value = [Option<Amount>; 4]> {
    proptest::array::uniform4(proptest::option::of(amount()))
}

/// A size in points: mostly absent, sometimes any float at all.
fn points() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        10 => Just(None),
        1 => any::<f64>().prop_map(Some),
        2 => (5.0f64..30.0).prop_map(Some),
    ]
}

fn indicator() -> impl Strategy<Value = Row> {
    proptest::array::uniform6(field()).prop_map(|cells| {
        let keys = ["level1", "level2", "name", "description", "value", "basis"];
        Row(keys
            .into_iter()
            .zip(cells)
            .map(|(k, c)| (k, Value::Text(c)))
            .collect())
    })
}

/// A table of the default form with every field filled from the strategy.
fn project() -> impl Strategy<Value = Project> {
    (
        proptest::array::uniform6(field()),
        (
            amount(),
            proptest::option::of(amount()),
            proptest::option::of(amount()),
        ),
        plan(),
        proptest::collection::vec(indicator(), 0..4),
        (field(), field()),
    )
        .prop_map(|(t, (total, fiscal, other), plan, indicators, (l1, l2))| {
            let form = Registry::builtin().get(DEFAULT_FORM).unwrap().clone();
            let mut p = Project::new(form);
            p.title = Some(t[2].clone()).filter(|s| !s.is_empty());
            for (k, v) in [
                ("code", &t[0]),
                ("name", &t[1]),
                ("usage", &t[3]),
                ("goal", &t[4]),
            ] {
                p.values.insert(k, Value::Text(v.clone()));
            }
            let amounts = [
                ("budget.total", Some(total)),
                ("budget.fiscal", fiscal),
                ("budget.other", other),
            ];
            let checkpoints = ["plan.march", "plan.june", "plan.october", "plan.december"];
            for (k, a) in amounts.into_iter().chain(checkpoints.into_iter().zip(plan)) {
                if let Some(a) = a {
                    p.values.insert(k, Value::Amount(a));
                }
            }
            p.labels = Labels::from([("total".into(), l1), ("level1".into(), l2)]);
            p.tables.insert("indicators", indicators);
            p
        })
}

/// Every rule that judges content is silenced, so that the property reaches
/// the PDF; only glyph coverage and malformed values stop a build.
fn allow_all_rules() -> Vec<String> {
    jixiao::rules::RULES
        .iter()
        .map(|r| r.code.to_string())
        .filter(|c| c != "J701")
        .collect()
}

fn document() -> impl Strategy<Value = Document> {
    (
        // Mostly valid budget years, so that most cases reach the PDF.
        prop_oneof![8 => 2000..=2100i32, 1 => any::<i32>()],
        proptest::array::uniform13(field()),
        (points(), points(), points()),
        proptest::collection::vec(project(), 0..3),
        // Now and then a character no font has, to reach that diagnostic.
        prop_oneof![5 => Just(""), 1 => Just("😀"), 1 => Just("\u{E000}")],
        proptest::option::of((1u16..9999, 1u8..13, 1u8..29)),
        // 总体绩效目标 as one text or as a numbered part.
        any::<bool>(),
    )
        .prop_map(
            |(year, t, (body, pitch, table), projects, odd, date, parts)| Document {
                year,
                date: date.map(|(year, month, day)| DocDate { year, month, day }),
                department: t[0].clone(),
                unit_code: t[1].clone(),
                unit_name: t[2].clone(),
                money_unit: t[3].clone(),
                overall: if parts {
                    Overall::Parts(vec![OverallPart {
                        title: t[12].clone(),
                        text: format!("{}{odd}", t[4]),
                    }])
                } else {
                    Overall::Text(format!("{}{odd}", t[4]))
                },
                cover: Cover {
                    title: Some(t[5].clone()),
                    lines: vec![t[6].clone()],
                },
                goals: vec![Goal {
                    title: t[7].clone(),
                    target: t[8].clone(),
                    indicator: t[9].clone(),
                }],
                measures: vec![Measure {
                    lead: t[10].clone(),
                    text: t[11].clone(),
                }],
                form: None,
                labels: Labels::default(),
                style: Style {
                    body_size: body,
                    line_pitch: pitch,
                    table_size: table,
                    ..Style::default()
                },
                check: CheckSettings {
                    allow: allow_all_rules(),
                    ..CheckSettings::default()
                },
                projects,
            },
        )
}

/// Every string and number the PDF must show, squashed like the PDF text.
fn expected_texts(doc: &Document) -> Vec<String> {
    // The unit and money lines are printed above project tables only.
    let above_tables = ["unit_code", "unit_name", "money_unit"];
    let mut out: Vec<String> = doc
        .texts()
        .into_iter()
        .filter(|(place, _)| {
            !doc.projects.is_empty() || !above_tables.iter().any(|k| place.to_string() == *k)
        })
        .map(|(_, t)| squash(t))
        .collect();
    for p in &doc.projects {
        out.extend(
            p.values
                .values()
                .filter_map(Value::amount)
                .map(|a| a.to_string()),
        );
    }
    out.retain(|t| !t.is_empty());
    out
}

/// Runs the whole pipeline in-process and checks the property.
fn check(doc: &Document) -> Result<(), String> {
    let tmp = TempDir::new("fields");
    let dir = tmp.path().join("doc");
    common::write_document(doc, &dir);
    let sources = SourceMap::default();
    let prepared = pipeline::prepare(&dir, &Options::default(), &sources);
    let prepared = match prepared.and_then(Prepared::accepted) {
        Err(d) if d.0.is_empty() => return Err("an error without a diagnostic".into()),
        Err(d) => return say(&sources, &d.0),
        Ok(p) => p,
    };
    let typeset = prepared
        .typeset(Path::new("main.typ"), &sources)
        .map_err(|d| {
            format!(
                "valid data failed to compile:\n{}",
                sources.render_plain(&d.0)
            )
        })?;
    let bytes = typeset.pdf().map_err(|d| d.to_string())?;
    let pdf = tmp.path().join("out.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let body = page_bodies(&pdf).concat();
    let missing: Vec<String> = expected_texts(doc)
        .into_iter()
        .filter(|t| !body.contains(t.as_str()))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("not in the PDF: {missing:?}"))
    }
}

/// A diagnostic answer is fine if every message is a real, located-or-not text.
fn say(sources: &SourceMap, diags: &[jixiao::report::diag::Diagnostic]) -> Result<(), String> {
    let shown = sources.render_plain(diags);
    if diags.iter().any(|d| d.message.trim().is_empty()) || shown.trim().is_empty() {
        return Err(format!("empty diagnostic: {diags:?}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        max_shrink_iters: 48,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_fields_give_a_diagnostic_or_a_literal_pdf(doc in document()) {
        if let Err(e) = check(&doc) {
            prop_assert!(false, "{}", e);
        }
    }
}
