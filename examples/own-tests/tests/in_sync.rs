//! `tests/readme.rs` is the README's "Testing your own code" block without its hidden lines.

#[test]
fn readme_block_and_readme_rs_are_the_same_code() {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("## Testing your own code")
        .nth(1)
        .expect("the README has the section");
    let block = section
        .split("```rust\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("the section has a rust block");
    let visible: Vec<&str> = block
        .lines()
        .filter(|l| !(*l == "#" || l.starts_with("# ")))
        .collect();
    assert_eq!(visible.join("\n"), include_str!("readme.rs").trim_end());
}
