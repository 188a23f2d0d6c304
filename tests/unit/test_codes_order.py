"""codes() lists the codebook as it reads: each theme, then its categories, each followed by
its codes — not every first child, then every second child (sibling positions repeat)."""


def test_codes_come_depth_first_in_sibling_order(project):
    p = project
    p.create_code("Theme B", kind="theme")
    p.create_code("Theme A", kind="theme")
    p.move_code("Theme A", None, position=0)
    for cat, theme in [("A1", "Theme A"), ("A2", "Theme A"), ("B1", "Theme B")]:
        p.create_code(cat, kind="category", parent=theme)
    for code, cat in [("a1x", "A1"), ("a1y", "A1"), ("a2x", "A2"), ("b1x", "B1")]:
        p.create_code(code, parent=cat)
    assert [c.name for c in p.codes()] == ["Theme A", "A1", "a1x", "a1y", "A2", "a2x",
                                           "Theme B", "B1", "b1x"]
    assert [n["name"] for n in p.code_tree()] == ["Theme A", "Theme B"]
