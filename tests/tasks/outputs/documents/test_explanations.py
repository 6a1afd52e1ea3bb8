"""The explanation sentences (giải trình) as the Word templates write them: every reason's own paragraph in the
shipped templates reads word for word as ``Explanation.text`` (ranking.xlsx, summary.json), and a sentence the
secretariat rewrites in a template is the one the documents print."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from tasks.domain import (
    AwardRule,
    Catalogue,
    DeductionItem,
    Meeting,
    Ranking,
    ScoreLine,
    Source,
    Votes,
    WardScore,
    WardStatus,
)
from tasks.outputs.documents import DocumentJob, minutes_job, ranking_docx_job, render_document
from tasks.outputs.documents.context import MINUTES_TEMPLATE, RANKING_TEMPLATE, TEMPLATE_DIR
from tasks.scoring.explain import Explanation, Reason, explain_ranking
from tasks.scoring.ranking import rank_wards
from tests.support import explained as case
from tests.support.documents import MOMENT, body_paragraphs
from tests.support.explained import BLOC, CASE_MEETING, CATALOGUE, MEETING_CASE, ROSTER, rank, sheet

HEADING = "3. Giải trình kết quả xếp hạng, xếp loại và đề nghị khen thưởng"
D = Decimal


def _two_vetoes_in_the_merit_band() -> tuple[Catalogue, Ranking]:
    """Merit from the second band, and Lào Cai (85) in it with two veto deductions: barred from the award."""
    d1 = DeductionItem("D1", "Chậm nộp báo cáo", D("0.5"), veto=True)
    catalogue = replace(CATALOGUE, deduction_items=(d1, CATALOGUE.deduction_items[1]), merit=AwardRule(2, "HTTNV"))
    lines = tuple(ScoreLine("LAOCAI", code, D(1), D(1), Source.SELF) for code in ("D1", "D3"))
    vetoed = WardScore(ROSTER[1], D(88), D(0), D(3), D(85), "HTTNV", True, {}, lines, ())
    scores = [sheet("SAPA", "96"), vetoed, sheet("YENBAI", "80")]
    missing = {w.code: WardStatus.MISSING for w in ROSTER if w.code not in ("SAPA", "LAOCAI", "YENBAI")}
    return catalogue, rank_wards(BLOC, catalogue, scores, missing, None)


def _cases() -> list[tuple[str, Catalogue, Ranking, Meeting | None, dict[str, str] | None]]:
    """Rankings that together give every reason: a veto lowering the band, a tie, a merit tie, votes set aside, a
    rejected and a missing ward (the voted case); a veto barring the award, several vetoes; award places taken;
    a lost vote; a vote deciding nothing; no candidate; a ward that sent only an unusable file."""
    catalogue, vetoed = _two_vetoes_in_the_merit_band()
    lost = Votes(8, 8, 8, {"SAPA": 6, "LAOCAI": 2})
    undecided = Votes(8, 4, 4, {"SAPA": 2, "LAOCAI": 2})
    uncounted = Votes(8, 8, 8, {"NGHIALO": 3, "SAPA": 2})
    leaders = [sheet("SAPA", "96"), sheet("LAOCAI", "96"), sheet("YENBAI", "91")]
    unusable = {
        "AULAU": "tệp annual/x.xlsx mang tên phường nhưng không dùng được: ô D7 ghi “tốt” & <không phải số>",
        "CAUTHIA": "sheet “Tự chấm điểm”, ô D7: bị bỏ trống; và 1 lỗi khác",
    }
    return [
        ("voted case", CATALOGUE, case.CASE_RANKING, CASE_MEETING, None),
        ("draft of the case", CATALOGUE, rank(MEETING_CASE, unscored={"CAUTHIA": WardStatus.REJECTED}), None, None),
        ("vetoes barring merit", catalogue, vetoed, None, None),
        ("places taken", CATALOGUE, rank([sheet(c, t) for c, t in zip(("SAPA", "LAOCAI", "YENBAI", "CAMDUONG"),
                                                                       ("98", "96", "94", "92"), strict=True)]),
         None, None),
        ("lost vote", CATALOGUE, rank(leaders, lost), replace(CASE_MEETING, votes=lost), None),
        ("no winner", CATALOGUE, rank(leaders[:2], undecided), replace(CASE_MEETING, votes=undecided), None),
        ("no candidate", CATALOGUE,
         rank([sheet("NGHIALO", "98", veto=True), sheet("SAPA", "86"), sheet("LAOCAI", "84")], uncounted),
         replace(CASE_MEETING, votes=uncounted), None),
        ("unusable files", CATALOGUE,
         rank(MEETING_CASE, unscored={"CAUTHIA": WardStatus.REJECTED, "AULAU": WardStatus.MISSING}), None, unusable),
    ]  # fmt: skip


def _explanations(catalogue: Catalogue, ranking: Ranking, reasons: dict[str, str] | None) -> tuple[Explanation, ...]:
    return explain_ranking(BLOC, catalogue, ranking, reasons)


def minutes_explanations(data: bytes) -> list[str]:
    """The paragraphs of part III.3 of the minutes (after its heading, before the closing line)."""
    lines = body_paragraphs(data)
    start = lines.index(HEADING) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("Hội nghị kết thúc"))
    return lines[start:end]


def ranking_explanations(data: bytes) -> list[str]:
    """The ``- `` notes of ranking.docx after the note on how the total is made, without the leading dash."""
    lines = body_paragraphs(data)
    start = next(i for i, line in enumerate(lines) if line.startswith("- Tổng điểm = ")) + 1
    notes = []
    for line in lines[start:]:
        if not line.startswith("- "):
            break
        notes.append(line.removeprefix("- "))
    return notes


Job = Callable[..., DocumentJob]
DOCUMENTS: list[tuple[Job, str, Callable[[bytes], list[str]]]] = [
    (minutes_job, MINUTES_TEMPLATE, minutes_explanations),
    (ranking_docx_job, RANKING_TEMPLATE, ranking_explanations),
]


def test_the_cases_give_every_reason() -> None:
    """The cases below exercise each reason, and several vetoes, a merit after a lost vote, and every missed
    condition of a vote, so the templates' paragraphs are all compared."""
    given = [e for _, catalogue, ranking, _, reasons in _cases() for e in _explanations(catalogue, ranking, reasons)]
    assert {e.reason for e in given} == set(Reason)
    fields = [e.context() for e in given]
    assert any(f.get("several_vetoes") is True for f in fields) and any(f.get("merit") is True for f in fields)
    assert any(f.get("missed") == ("quorum", "tie", "share") for f in fields)
    assert {f.get("named_file") for f in fields if f["reason"] == "rejected"} == {True, False}


@pytest.mark.parametrize(("job", "name", "read"), DOCUMENTS, ids=["minutes", "ranking.docx"])
def test_the_shipped_templates_write_each_explanation_as_explain_does(job: Job, name: str, read: Callable) -> None:
    """For every case, the explanations of the minutes and of ranking.docx, rendered from the shipped templates'
    paragraph for each reason, read exactly as the sentences ranking.xlsx and summary.json print, in the same
    order. The documents get the explanations without their sentence, so none of them can come from the
    template's fallback ``{{ e.text }}``. The minutes say that no ward is eligible for the flag in their section
    on the vote, not among the explanations."""
    for label, catalogue, ranking, meeting, reasons in _cases():
        explained = _explanations(catalogue, ranking, reasons)
        unsaid = [replace(e, text="") for e in explained]
        data = render_document(job(BLOC, catalogue, ranking, meeting, MOMENT, explanations=unsaid))
        told = [e for e in explained if job is not minutes_job or e.reason is not Reason.NO_CANDIDATE]
        assert read(data) == [e.text for e in told], label


def _edited_copy(folder: Path, name: str, edit: Callable[[str], str]) -> Path:
    """A copy of the shipped template ``name`` in ``folder`` whose body XML ``edit`` has changed, as Word saves it."""
    source, target = TEMPLATE_DIR / name, folder / name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                changed = edit(data.decode("utf-8"))
                assert changed != data.decode("utf-8"), "the edit found nothing to change"
                data = changed.encode("utf-8")
            new.writestr(item, data)
    return target


@pytest.mark.parametrize(("job", "name", "read"), DOCUMENTS, ids=["minutes", "ranking.docx"])
def test_a_sentence_rewritten_in_the_template_is_the_one_the_document_prints(
    tmp_path: Path, job: Job, name: str, read: Callable
) -> None:
    """The secretariat rewrites the sentence for a ward that sent nothing in a copy of the template: the
    document prints the new wording with the ward's name; the other sentences stay as they were."""
    old = "chưa nộp bảng tự chấm điểm nên không được chấm điểm, xếp hạng và đề nghị khen thưởng."
    new = "không gửi bảng tự chấm điểm đúng hạn nên không được xét."
    template = _edited_copy(tmp_path, name, lambda xml: xml.replace(old, new))
    explained = _explanations(CATALOGUE, case.CASE_RANKING, None)
    data = render_document(job(BLOC, CATALOGUE, case.CASE_RANKING, CASE_MEETING, MOMENT, template, explained))
    expected = [e.text.replace(old, new) if e.reason is Reason.MISSING else e.text for e in explained]
    assert "Phường Âu Lâu không gửi bảng tự chấm điểm đúng hạn nên không được xét." in expected
    assert read(data) == expected


def test_a_template_without_a_paragraph_for_a_reason_prints_its_sentence(tmp_path: Path) -> None:
    """A template edited before a reason had its own paragraph still prints that reason's sentence (the tie's
    here), never its fields or nothing."""
    explained = _explanations(CATALOGUE, case.CASE_RANKING, None)
    template = _edited_copy(tmp_path, MINUTES_TEMPLATE, lambda xml: xml.replace("e.reason == 'tie'", "e.reason == ''"))
    data = render_document(minutes_job(BLOC, CATALOGUE, case.CASE_RANKING, CASE_MEETING, MOMENT, template, explained))
    assert minutes_explanations(data) == [e.text for e in explained]


def test_a_template_printing_the_whole_explanation_prints_its_sentence(tmp_path: Path) -> None:
    """A template kept from before the sentences were written in it prints ``{{ e }}`` for each explanation: the
    sentence, not the fields."""
    explained = _explanations(CATALOGUE, case.CASE_RANKING, None)

    def whole(xml: str) -> str:
        return xml.replace("e.reason == '", "e.reason == 'old-").replace("{{ e.text }}", "{{ e }}")

    template = _edited_copy(tmp_path, MINUTES_TEMPLATE, whole)
    data = render_document(minutes_job(BLOC, CATALOGUE, case.CASE_RANKING, CASE_MEETING, MOMENT, template, explained))
    assert minutes_explanations(data) == [e.text for e in explained]
