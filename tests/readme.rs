//! The README's generated parts match what qcompat prints today.

mod common;
use common::*;

/// The per-minor pins table in README.md is `qcompat pins table` of the
/// shipped pins, between its markers.
#[test]
fn readme_pins_table_is_current() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let (start, end) = ("<!-- pins-table -->\n", "<!-- /pins-table -->");
    let a = readme.find(start).expect("README has <!-- pins-table -->") + start.len();
    let b = readme[a..]
        .find(end)
        .expect("README has <!-- /pins-table -->")
        + a;
    let out = run(&[
        "pins",
        "table",
        "--pins",
        repo().join("matrix/pins.yaml").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        &readme[a..b],
        text(&out.stdout),
        "README's pins table is stale: paste `qcompat pins table` between the markers"
    );
}

/// The schemas are the contract: a field removed or retyped fails.
#[test]
fn schemas_catch_removed_and_retyped_fields() {
    let doc = json(&["doctor", "--json", "--go", go126().to_str().unwrap()]);
    let mut removed = doc.clone();
    removed.as_object_mut().unwrap().remove("advice");
    let mut retyped = doc.clone();
    retyped["ok"] = serde_json::json!("yes");
    let mut sel = doc.clone();
    sel["selection"]["strategy"] = serde_json::json!("turbo");
    for bad in [removed, retyped, sel] {
        let r = std::panic::catch_unwind(|| validate("doctor", &bad));
        assert!(r.is_err(), "accepted: {bad:#}");
    }
    // `qcompat schema NAME` prints the shipped file.
    for (name, file) in [
        ("probe", "probe"),
        ("select", "selection"),
        ("doctor", "doctor"),
        ("report", "report"),
        ("pins", "pins"),
    ] {
        let out = run(&["schema", name]);
        assert!(out.status.success());
        let shipped =
            std::fs::read_to_string(repo().join(format!("matrix/schema/{file}.schema.json")))
                .unwrap();
        assert_eq!(text(&out.stdout), shipped);
    }
    // The shipped pins validate.
    let pins: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("matrix/pins.yaml")).unwrap())
            .unwrap();
    validate("pins", &serde_json::to_value(pins).unwrap());
}
