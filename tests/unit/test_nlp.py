"""Segmentation and lemmas in English and Dutch, offline."""
import pytest

from qualbench.nlp import CHUNK_CHARS, lemma_query, segment_spans, trim_span


@pytest.mark.parametrize("lang, text, sentences, lemma", [
    ("en", "I walked to the shop. The stimulation helped! Did it? Yes.",
     ["I walked to the shop.", "The stimulation helped!", "Did it?", "Yes."], "walk"),
    ("nl", "Ik liep naar de winkel. De stimulatie hielp veel! Echt? Ja.",
     ["Ik liep naar de winkel.", "De stimulatie hielp veel!", "Echt?", "Ja."], "lopen"),
])
def test_sentences_tile_the_text_and_carry_lemmas(lang, text, sentences, lemma):
    (segs,) = segment_spans([text], lang)
    assert [text[s.start:s.end].strip() for s in segs] == sentences
    assert segs[0].start == 0 and segs[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(segs, segs[1:]))
    assert lemma in segs[0].lemmas.split()


def test_long_text_is_chunked_and_still_tiles():
    text = ("word " * (CHUNK_CHARS // 2)).strip() + ". End."
    (segs,) = segment_spans([text])
    assert segs[0].start == 0 and segs[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(segs, segs[1:]))
    assert len(segs) >= 3  # cut at least once, plus the real sentence "End."


def test_lemma_query_and_trim():
    assert lemma_query(["walking", "helped"]) == ["walk", "help"]
    assert trim_span("  hi there \n", 0, 12) == (2, 10)


@pytest.mark.parametrize("text, expected", [
    ("If I slept. [laughs] My husband says I can talk. Fine.",
     ["If I slept. ", "[laughs] My husband says I can talk. ", "Fine."]),
    ("She was there. [daughter] slept here on the sofa. Yes.",
     ["She was there. ", "[daughter] slept here on the sofa. ", "Yes."]),
    ("Okay. (laughs) Right.", ["Okay. ", "(laughs) Right."]),
    ("We went to [city]. It was far.", ["We went to [city]. ", "It was far."]),
])
def test_bracketed_annotations_and_placeholders_stay_whole(text, expected):
    (segs,) = segment_spans([text])
    assert [text[s.start:s.end] for s in segs] == expected
