"""Participant tables as new users send them: text cells in score columns, label typos,
re-imports that change values, sloppy headers, several sheets, formulas, merged cells.

Each test names the trial problem it guards (numbers as in the import review).
"""
import re
import zipfile

import openpyxl
import pytest

from qualbench.errors import InputFileError, QualbenchError, ValidationError

from ..conftest import INTERVIEW


def xlsx(tmp_path, rows, name="p.xlsx", sheets=None, merge=None, patch=None):
    """An .xlsx from rows (first sheet), optional extra sheets {title: rows} and merges;
    ``patch`` rewrites sheet XML (openpyxl cannot write cached formula results)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in rows:
        ws.append(r)
    for cells in merge or []:
        ws.merge_cells(cells)
    for title, extra in (sheets or {}).items():
        other = wb.create_sheet(title)
        for r in extra:
            other.append(r)
    path = tmp_path / name
    wb.save(path)
    if patch:
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode()
        for old, new in patch.items():
            assert old in xml, xml
            xml = xml.replace(old, new)
        parts["xl/worksheets/sheet1.xml"] = xml.encode()
        with zipfile.ZipFile(path, "w") as z:
            for n, data in parts.items():
                z.writestr(n, data)
    return path


def with_interviews(project, write, *labels):
    project.import_files([write(f"{label}.txt", INTERVIEW.replace("terrible", f"terrible {label}"))
                          for label in labels])
    return project


def values(project, column):
    return project.participants().set_index("participant")[column].to_dict()


# -- 1. outcome columns are always numbers --------------------------------------------
def test_text_cells_in_outcome_columns_are_numbers(project, tmp_path):
    path = xlsx(tmp_path, [["participant", "pain_baseline", "pain_2y", "age"],
                           ["P01", 8, 2, 50], ["P02", 8, 3, "61"], ["P03", "8", 4, " 47"],
                           ["P04", 9, "4,5", 58], ["P05", " 10 ", 7, 70]])
    project.import_participants(path)
    assert project.attributes()["pain_2y"] == "number"
    assert project.attributes()["age"] == "number"     # numbers stored as text in Excel
    assert values(project, "age")["P03"] == 47
    assert project.attributes()["pain_baseline"] == "number"
    assert values(project, "pain_2y") == {"P01": 2, "P02": 3, "P03": 4, "P04": 4.5, "P05": 7}
    assert values(project, "pct_reduction")["P04"] == 50.0
    assert values(project, "pct_reduction")["P05"] == 30.0


def test_reimport_repairs_a_score_column_typed_as_categories(project, write):
    # The state the trial left behind: one text cell had made pain_2y a category column.
    project.import_participants(write("a.csv", "participant,pain_baseline,pain_2y\nP01,8,4\nP02,9,7\n"))
    with project.store.write():
        project.db.execute("UPDATE attributes SET type = 'category' WHERE name = 'pain_2y'")
        project.db.execute("UPDATE participant_values SET number = NULL, value = '4,5' WHERE attribute_id = "
                           "(SELECT id FROM attributes WHERE name = 'pain_2y') AND participant_id = "
                           "(SELECT id FROM participants WHERE label = 'P02')")
    result = project.import_participants(write("b.csv", "participant,pain_2y\nP01,4\n"))
    assert project.attributes()["pain_2y"] == "number"
    assert any("pain_2y" in n and "now number (was category)" in n for n in result["notes"])
    assert values(project, "pain_2y") == {"P01": 4, "P02": 4.5}


def test_decimal_comma_in_a_comma_csv_outcome_column(project, write):
    project.import_participants(write("p.csv", 'participant,pain_baseline,pain_2y\nP01,8,"4,5"\nP02, 7 ,3\n'))
    assert values(project, "pain_2y") == {"P01": 4.5, "P02": 3}
    assert project.attributes()["pain_2y"] == "number"


def test_non_numeric_outcome_is_an_error_naming_row_and_column(project, write, digest):
    before = digest(project)
    with pytest.raises(ValidationError) as exc:
        project.import_participants(write("p.csv", "participant,pain_baseline,pain_2y\n"
                                                   "P01,8,4-5\nP02,8,1/2\nP03,about 7,3\nP04,8,na\n"))
    assert exc.value.problems == [
        "row 2: pain_2y '4-5' is not a number",
        "row 3: pain_2y '1/2' is not a number",
        "row 4: pain_baseline 'about 7' is not a number",
    ]
    assert digest(project) == before


def test_mostly_numeric_column_stays_numeric_with_a_warning(project, write):
    rows = "".join(f"P{i:02d},{40 + i},8,4\n" for i in range(1, 9))
    result = project.import_participants(write("p.csv", "participant,age,pain_baseline,pain_2y\n"
                                                        + rows + "P09,unknown,8,4\n"))
    assert result["columns"]["age"] == "number"
    assert any("age" in w and "row 10 'unknown'" in w for w in result["warnings"]), result["warnings"]
    ages = values(project, "age")
    assert ages["P01"] == 41 and ages["P09"] != ages["P09"]  # NaN: not a number, not a category


def test_a_real_text_column_is_not_warned_about(project, write):
    result = project.import_participants(write(
        "p.csv", "participant,pain_scale,syndrome,pain_baseline,pain_2y,status,would_repeat\n"
                 "P01,NRS 0-10,CPSP,8,4,alive,yes\nP02,NRS 0-10,phantom,8,4,alive,no\n"))
    assert result["columns"]["pain_scale"] == "category"
    assert result["warnings"] == []


# -- 2. participants without an interview; label variants -----------------------------
def test_participant_without_interview_warns_with_did_you_mean(project, write):
    with_interviews(project, write, "P01", "P02", "P03")
    result = project.import_participants(write("p.csv", "participant,pain_baseline,pain_2y\n"
                                                        "P01,8,4\nP02,8,4\nP3,8,4\nP99,8,4\n"))
    warned = [w for w in result["warnings"] if "no interview" in w]
    assert len(warned) == 2, result["warnings"]
    assert any("P3" in w and "did you mean P03" in w for w in warned)
    assert any("P99" in w and "did you mean" not in w for w in warned)
    assert result["without_document"] == ["P3", "P99"]


def test_label_variants_in_case_and_spaces_link_to_the_interview(project, write):
    with_interviews(project, write, "P01", "P02")
    result = project.import_participants(write("p.csv", "participant,pain_baseline,pain_2y\n"
                                                        "p01,8,4\nP 02,8,4\n"))
    assert list(project.participants()["participant"]) == ["P01", "P02"]
    assert result["without_document"] == [] and result["documents_without_participant"] == []
    assert any("'P 02'" in n and "P02" in n for n in result["notes"]), result["notes"]
    assert project.outcome_of("P02")["responder"] == "responder"


def test_no_interviews_yet_is_one_note_not_a_warning_per_row(project, write):
    result = project.import_participants(write("p.csv", "participant,pain_baseline,pain_2y\nP01,8,4\nP02,8,4\n"))
    assert not [w for w in result["warnings"] if "no interview" in w]
    assert any("no interviews" in n for n in result["notes"])


# -- 3. re-imports report what they change ---------------------------------------------
def test_reimport_reports_every_changed_value(project, write):
    project.import_participants(write("a.csv", "participant,sex,pain_baseline,pain_2y\n"
                                               "P01,female,8,4.5\nP02,male,9,7\nP03,male,9,\n"))
    result = project.import_participants(write("b.csv", "participant,sex,pain_baseline,pain_2y\n"
                                                        "P01,female,8,4\nP02,male,9.0,7\nP03,male,9,6\n"
                                                        "P04,female,7,3\n"))
    assert (result["added"], result["updated"], result["unchanged"]) == (1, 2, 1)
    assert result["changes"] == [
        {"participant": "P01", "column": "pain_2y", "old": "4.5", "new": "4"},
        {"participant": "P03", "column": "pain_2y", "old": None, "new": "6"},
    ]
    again = project.import_participants(write("b.csv", "participant,sex,pain_baseline,pain_2y\n"
                                                       "P01,female,8,4\n"))
    assert (again["updated"], again["unchanged"], again["changes"]) == (0, 1, [])


# -- 4. headers that differ only in case or spaces --------------------------------------
def test_headers_match_existing_attributes_ignoring_case_and_spaces(project, write):
    project.import_participants(write("a.csv", "participant,Sex,pain_baseline,pain_2y ,NRS  score\n"
                                               "P01,female,8,4,3\n"))
    project.import_participants(write("b.csv", 'Participant,sex , PAIN_2Y,Pain_Baseline,"nrs\nscore"\n'
                                               "P02,male,4,8,5\n"))
    assert list(project.attributes()) == ["Sex", "pain_baseline", "pain_2y", "NRS score"]
    assert values(project, "pain_2y") == {"P01": 4, "P02": 4}
    assert values(project, "Sex") == {"P01": "female", "P02": "male"}
    assert values(project, "NRS score") == {"P01": 3, "P02": 5}


def test_headers_colliding_after_normalisation_are_an_error(project, write, digest):
    before = digest(project)
    with pytest.raises(ValidationError) as exc:
        project.import_participants(write("p.csv", "participant,Sex,age,sex \nP01,f,3,f\n"))
    assert exc.value.problems == [
        "columns 2 (B) 'Sex' and 4 (D) 'sex' are the same name (ignoring case and spaces)"]
    assert digest(project) == before


# -- 5. configured outcome columns not found -------------------------------------------
def test_missing_outcome_columns_warn_with_close_headers(project, write):
    result = project.import_participants(write("p.csv", "participant,NRS baseline,NRS 2y,Would repeat?\n"
                                                        "P01,8,4,yes\n"))
    text = "\n".join(result["warnings"])
    assert "'pain_baseline'" in text and "'NRS baseline'" in text and "qualbench.toml" in text
    assert 'baseline = "NRS baseline"' in text
    assert "'would_repeat'" in text and "'Would repeat?'" in text
    assert "'status'" in text


def test_outcome_columns_known_from_an_earlier_import_are_not_warned_about(project, write):
    project.import_participants(write("a.csv", "participant,pain_baseline,pain_2y,status,would_repeat\n"
                                               "P01,8,4,alive,yes\n"))
    result = project.import_participants(write("b.csv", "participant,sex\nP01,female\n"))
    assert not [w for w in result["warnings"] if "qualbench.toml" in w]


# -- 6. errors in row order ------------------------------------------------------------
def test_errors_sorted_by_row_then_column(project, write):
    with pytest.raises(ValidationError) as exc:
        project.import_participants(write("p.csv", "participant,would_repeat,pain_baseline,pain_2y\n"
                                                   "P01,yes,8,4\nP02,yes,8,4\n,maybe,8,x\n"
                                                   "P04,maybe,80,4\nP05,yes,8,4\nP02,yes,y,4\n"))
    assert exc.value.problems == [
        "row 4: empty participant id",
        "row 4: would_repeat 'maybe' is not yes/no",
        "row 4: pain_2y 'x' is not a number",
        "row 5: would_repeat 'maybe' is not yes/no",
        "row 5: pain_baseline 80 is outside the NRS scale 0-10",
        "row 7: duplicate participant id 'P02' (first in row 3)",
        "row 7: pain_baseline 'y' is not a number",
    ]


# -- 7. category spellings -------------------------------------------------------------
def test_category_spellings_differing_in_case_are_unified(project, write):
    result = project.import_participants(write("p.csv", "participant,sex\nP01,male\nP02,Male\nP03,male \n"
                                                        "P04,female\nP05,MALE\nP06,m\n"))
    assert values(project, "sex") == {"P01": "male", "P02": "male", "P03": "male", "P04": "female",
                                      "P05": "male", "P06": "m"}
    merged = [n for n in result["notes"] if "sex" in n and "'Male'" in n]
    assert merged and "'MALE'" in merged[0] and "'male'" in merged[0], result["notes"]
    hint = [w for w in result["warnings"] if "'m'" in w]
    assert hint and "'male'" in hint[0] and "not merged" in hint[0]
    assert not [w for w in result["warnings"] if "'female'" in w and "'male'" in w]


def test_category_spelling_follows_the_project(project, write):
    project.import_participants(write("a.csv", "participant,sex\nP01,Male\nP02,Male\nP03,Female\n"))
    result = project.import_participants(write("b.csv", "participant,sex\nP04,male\n"))
    assert values(project, "sex")["P04"] == "Male"
    assert result["changes"] == []


# -- ids ---------------------------------------------------------------------------------
def test_duplicate_and_empty_ids(project, write, digest):
    before = digest(project)
    with pytest.raises(ValidationError) as exc:
        project.import_participants(write("p.csv", "participant,age\nP01,3\np 01,4\n ,5\nP03,6\n"))
    assert exc.value.problems == [
        "row 3: duplicate participant id 'p 01' (first in row 2 as 'P01')",
        "row 4: empty participant id",
    ]
    assert digest(project) == before


def test_row_numbers_count_blank_lines_like_a_spreadsheet(project, write):
    with pytest.raises(ValidationError) as exc:
        project.import_participants(write("p.csv", "participant,pain_baseline\nP01,8\n\n,,\nP02,eight\n"))
    assert exc.value.problems == ["row 5: pain_baseline 'eight' is not a number"]


# -- Excel specifics ----------------------------------------------------------------------
def test_xlsx_uses_the_sheet_named_participants(project, tmp_path):
    path = xlsx(tmp_path, [["notes"], ["read me"]],
                sheets={"Codes": [["x"]], " Participants ": [["participant", "age"], ["P01", 50]]})
    result = project.import_participants(path)
    assert values(project, "age") == {"P01": 50}
    assert any("sheet ' Participants '" in n for n in result["notes"]), result["notes"]


def test_xlsx_with_several_sheets_uses_the_first_and_says_so(project, tmp_path):
    path = xlsx(tmp_path, [["participant", "age"], ["P01", 50]], sheets={"Notes": [["x"]]})
    result = project.import_participants(path)
    assert values(project, "age") == {"P01": 50}
    note = [n for n in result["notes"] if "sheet" in n]
    assert note and "'Sheet1'" in note[0] and "first" in note[0] and "Notes" in note[0]


def test_merged_header_cells_are_an_error(project, tmp_path, digest):
    before = digest(project)
    path = xlsx(tmp_path, [["participant", "pain", None], [None, "baseline", "2y"], ["P01", 8, 4]],
                merge=["B1:C1"])
    with pytest.raises(QualbenchError, match=r"header cells B1:C1 are merged"):
        project.import_participants(path)
    assert digest(project) == before


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_blank_header_cell_with_values_is_an_error_naming_the_position(project, tmp_path, write, kind):
    rows = [["participant", "age", "", "sex"], ["P01", 50, "x", "f"]]
    if kind == "csv":
        path = write("p.csv", "\n".join(",".join(str(c) for c in r) for r in rows) + "\n")
    else:
        path = xlsx(tmp_path, rows)
    with pytest.raises(ValidationError) as exc:
        project.import_participants(path)
    assert exc.value.problems == ["column 3 (C) has values but no name in the header row (row 1)"]


def test_blank_unnamed_columns_are_ignored(project, write):
    result = project.import_participants(write("p.csv", "participant,age,,\nP01,50,,\n"))
    assert result["columns"] == {"age": "number"}


def test_formula_without_saved_value_is_an_error_naming_the_cell(project, tmp_path, digest):
    before = digest(project)
    path = xlsx(tmp_path, [["participant", "pain_baseline", "pain_2y"], ["P01", 8, 4], ["P02", 8, "=B3/2"]])
    with pytest.raises(ValidationError) as exc:
        project.import_participants(path)
    assert len(exc.value.problems) == 1
    assert exc.value.problems[0].startswith("row 3: pain_2y (cell C3) is a formula (=B3/2) with no saved value")
    assert digest(project) == before


def test_formula_with_saved_value_is_read(project, tmp_path):
    path = xlsx(tmp_path, [["participant", "pain_baseline", "pain_2y"], ["P01", 8, "=B2/2"]],
                patch={"<f>B2/2</f><v></v>": "<f>B2/2</f><v>4</v>"})
    project.import_participants(path)
    assert values(project, "pain_2y") == {"P01": 4}


def test_excel_error_value_is_an_error(project, tmp_path):
    path = xlsx(tmp_path, [["participant", "pain_baseline", "pain_2y"], ["P01", 8, "=B2/0"]],
                patch={'<c r="C2"><f>B2/0</f><v></v></c>': '<c r="C2" t="e"><f>B2/0</f><v>#DIV/0!</v></c>'})
    with pytest.raises(ValidationError) as exc:
        project.import_participants(path)
    assert exc.value.problems == ["row 2: pain_2y (cell C2) holds the Excel error #DIV/0!"]


def test_dates_stored_as_text(project, tmp_path):
    import datetime as dt
    path = xlsx(tmp_path, [["participant", "interview_date", "visit"],
                           ["P01", dt.date(2019, 3, 12), "12-03-2019"],
                           ["P02", "2019-03-19", "19-03-2019"],
                           ["P03", dt.datetime(2019, 3, 26), "26/03/2019"]])
    result = project.import_participants(path)
    assert result["columns"]["interview_date"] == "date"
    assert values(project, "interview_date") == {"P01": "2019-03-12", "P02": "2019-03-19", "P03": "2019-03-26"}
    assert result["columns"]["visit"] == "text"
    assert any("visit" in w and "YYYY-MM-DD" in w for w in result["warnings"]), result["warnings"]


def test_a_stray_non_iso_date_in_a_date_column_is_named(project, write):
    result = project.import_participants(write("p.csv", "participant,interview_date\nP01,2019-03-12\n"
                                                        "P02,2019-03-19\nP03,2019-03-26\nP04,26/03/2019\n"))
    assert result["columns"]["interview_date"] == "date"
    assert any("row 5 '26/03/2019'" in w for w in result["warnings"]), result["warnings"]


# -- scales --------------------------------------------------------------------------------
@pytest.mark.parametrize("scale, score, ok", [
    ("NRS", "0", True), ("NRS", "10", True), ("NRS", "10.0", True), ("NRS", "10.5", False),
    ("NRS", "-0.5", False), ("VAS", "0", True), ("VAS", "100", True), ("VAS", "100.5", False),
    ("VAS", "-1", False),
])
def test_scale_boundaries(project, write, scale, score, ok):
    project.settings.scale = scale
    path = write("p.csv", f"participant,pain_baseline,pain_2y\nP01,{score},0\n")
    if ok:
        project.import_participants(path)
        assert values(project, "pain_baseline")["P01"] == float(score)
    else:
        with pytest.raises(ValidationError, match=rf"row 2: pain_baseline {re.escape(score)} is outside "
                                                  rf"the {scale} scale 0-{10 if scale == 'NRS' else 100}"):
            project.import_participants(path)


def test_vas_scores_in_an_nrs_project_are_hinted_once(project, write):
    with pytest.raises(ValidationError) as exc:
        project.import_participants(write("p.csv", "participant,pain_baseline,pain_2y\n"
                                                   "P01,80,40\nP02,70,8\nP03,90,50\n"))
    assert exc.value.problems[0] == (
        "row 2: pain_baseline 80 is outside the NRS scale 0-10 "
        '(VAS 0-100 scores? set scale = "VAS" under [outcomes] in qualbench.toml)')
    assert len(exc.value.problems) == 5 and all("VAS 0-100" not in p for p in exc.value.problems[1:])


def test_nrs_scores_in_a_vas_project_are_hinted(project, write):
    project.settings.scale = "VAS"
    result = project.import_participants(write("p.csv", "participant,pain_baseline,pain_2y\n"
                                                        "P01,8,4\nP02,9,7\nP03,7,3\n"))
    assert any("NRS" in w and "qualbench.toml" in w for w in result["warnings"]), result["warnings"]


# -- encodings -----------------------------------------------------------------------------
def test_cp1252_csv_is_refused_with_a_clear_error(project, write, digest):
    before = digest(project)
    path = write("p.csv", "participant,sex,city\nP01,f,Li\u00e8ge\n".encode("cp1252"))
    with pytest.raises(InputFileError) as exc:
        project.import_participants(path)
    assert str(exc.value) == (f"{path}: not valid UTF-8 at byte 29 (0xE8) on line 2, column 9 "
                              "(it looks like Windows-1252/Latin-1: re-save it as UTF-8)")
    assert digest(project) == before


def test_a_computed_id_without_saved_value_is_named_once(project, tmp_path):
    path = xlsx(tmp_path, [["participant", "pain_baseline", "pain_2y"], ["P01", 8, 4], ['="P"&"02"', 8, 4]])
    with pytest.raises(ValidationError) as exc:
        project.import_participants(path)
    assert len(exc.value.problems) == 1
    assert exc.value.problems[0].startswith('row 3: participant (cell A3) is a formula (="P"&"02")')


def test_a_computed_header_without_saved_value_is_named(project, tmp_path):
    path = xlsx(tmp_path, [["participant", '=LOWER("AGE")'], ["P01", 50]])
    with pytest.raises(ValidationError) as exc:
        project.import_participants(path)
    assert len(exc.value.problems) == 1
    assert exc.value.problems[0].startswith('header cell B1 is a formula (=LOWER("AGE")) with no saved value')


def test_numeric_ids_that_match_no_interview_say_how_interviews_are_labelled(project, write):
    with_interviews(project, write, "P01", "P02")
    result = project.import_participants(write("p.csv", "id,age\n1,50\n2,60\n"))
    assert any("no row matches an interview; interviews are labelled like P01, P02" in w
               for w in result["warnings"]), result["warnings"]


def test_merged_data_cells_are_a_warning_naming_the_range(project, tmp_path):
    path = xlsx(tmp_path, [["participant", "site", "age"], ["P01", "Leiden", 50], ["P02", None, 60]],
                merge=["B2:B3"])
    result = project.import_participants(path)
    assert any("cells B2:B3 are merged" in w and "read as empty" in w for w in result["warnings"])


def test_errors_in_a_workbook_of_several_sheets_name_the_sheet(project, tmp_path):
    path = xlsx(tmp_path, [["x"]], sheets={"participants": [["participant", "pain_baseline"], ["P01", "8?"]]})
    with pytest.raises(ValidationError) as exc:
        project.import_participants(path)
    assert exc.value.lines() == [f"{path} (sheet 'participants'): row 2: pain_baseline '8?' is not a number"]
