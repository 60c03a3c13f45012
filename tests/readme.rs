//! README.md stays true to the program: its rule table lists exactly the
//! rules `jixiao rules` knows, with the same severities, in code order.

mod common;

use jixiao::checks::RULES;

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
        "README.md rule table vs checks::RULES"
    );
}
