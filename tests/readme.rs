//! README.md and data/FORMAT.md stay true to the program: the rule table
//! lists exactly the rules `jixiao rules` knows, the form example loads, and
//! the list of built-in forms is complete.

mod common;

use jixiao::rules::RULES;

/// The `| code | level | … |` rows of README's rule table.
fn readme_rules() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(common::manifest_dir().join("README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let code = cells.get(1)?;
            let is_code = code.len() == 4
                && code.starts_with('J')
                && code[1..].bytes().all(|b| b.is_ascii_digit());
            let level = cells.get(2)?;
            is_code.then(|| (code.to_string(), level.to_string()))
        })
        .collect()
}

#[test]
fn readme_rule_table_matches_the_rules() {
    let known: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (r.code.to_string(), r.severity.name().to_string()))
        .collect();
    assert_eq!(
        readme_rules(),
        known,
        "README.md rule table vs rules::RULES"
    );
}

/// The TOML block that follows `heading` in data/FORMAT.md.
fn format_block(heading: &str) -> String {
    let text = std::fs::read_to_string(common::manifest_dir().join("data/FORMAT.md")).unwrap();
    let after = &text[text.find(heading).expect("heading in FORMAT.md")..];
    let start = after.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let len = after[start..].find("```").expect("the block ends");
    after[start..start + len].to_string()
}

#[test]
fn the_form_example_in_format_md_loads() {
    let tmp = common::TempDir::new("format-form");
    let forms = tmp.path().join(jixiao::input::form::FORMS_DIR);
    std::fs::create_dir_all(&forms).unwrap();
    std::fs::write(forms.join("county.toml"), format_block("### The form file")).unwrap();
    let sources = jixiao::report::diag::SourceMap::default();
    let registry = jixiao::input::form::Registry::load(tmp.path(), &sources)
        .unwrap_or_else(|e| panic!("{}", sources.render_plain(&e.0)));
    let form = registry.get("county").expect("the example form");
    assert_eq!(form.tables.len(), 2);
    assert_eq!(form.plan.len(), 2);
    assert_eq!(form.below, [["filler", "phone"]]);
}

#[test]
fn format_md_lists_every_built_in_form() {
    let text = std::fs::read_to_string(common::manifest_dir().join("data/FORMAT.md")).unwrap();
    let listed: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next().map(str::to_string))
        .collect();
    let built_in: Vec<String> = jixiao::input::form::BUILTIN
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(
        listed, built_in,
        "FORMAT.md table of forms vs form::BUILTIN"
    );
}
