"""Document models that use every kind of block and run the writer knows, for the writer's
reference files (tests/data/writer/)."""

from __future__ import annotations

from xbdocs.model import Block, Document, Paragraph, ParallelDocument, Run

PROPERTIES = {"title": "Соглашение / Келісім", "subject": "Образец", "keywords": "xbdocs",
              "comments": "reference", "created": "2027-03-01", "identifier": "0" * 64,
              "version": "0.0", "content_status": "agreement"}
NOTE = "Не проверено: наименование стороны."


def _blocks(lang: str) -> list[Block]:
    word = {"ru": ("Статья", "Стороны", "подпись"), "kk": ("бап", "Тараптар", "қолы")}[lang]
    return [
        Block("title", "title", [Paragraph([Run("СОГЛАШЕНИЕ", bold=True)], "title"),
                                 Paragraph([Run("между ", bold=True),
                                            Run("Администрацией", bold=True, comment=NOTE),
                                            Run(" и акиматом", bold=True)], "title")]),
        Block("dateline", "text", [Paragraph([Run("г. Павлодар")], "dateline",
                                             right=[Run("«19» сентября 2012 г.")])]),
        Block("preamble", "text", [Paragraph([Run("  Стороны,\tсогласились\nо нижеследующем: ",
                                                  italic=True)])]),
        Block("a1", "heading", [Paragraph([Run(word[1])])], label=f"{word[0]} 1."),
        Block("a1.1", "clause", [Paragraph([Run("Первый абзац.")]),
                                 Paragraph([Run("Второй абзац "), Run("жирный", bold=True),
                                            Run(" и "), Run("оба", bold=True, italic=True)])],
              label="1.1."),
        Block("a1.2", "text", [Paragraph([Run("пункт списка;")], "item"),
                               Paragraph([Run("")], "item")]),
        Block("aside", "aside", [Paragraph([Run("Губернатору")], "aside")]),
        Block("subject", "subject", [Paragraph([Run("О согласовании")], "subject")]),
        Block("note", "note", [Paragraph([Run("Исп. Петрова")], "note")]),
        Block("table", "table", [Paragraph([Run("Таблица:")])],
              rows=[[Paragraph([Run("№", bold=True)]), Paragraph([Run("Документ", bold=True)]),
                     Paragraph([Run("Листов", bold=True)])],
                    [Paragraph([Run("1")]), Paragraph([Run("Письмо", comment=NOTE)])]],
              widths=[1, 6, 2]),
        Block("signatures", "signatures", columns=[
            [Paragraph([Run("За Сторону 1", bold=True)], "signature"),
             Paragraph([Run(f"_______ ({word[2]})")], "signature")],
            [Paragraph([Run("За Сторону 2", bold=True)], "signature"),
             Paragraph([Run("М.П.")], "signature")]]),
    ]


def single(lang: str = "ru", page_numbers: str = "foot") -> Document:
    return Document(lang, _blocks(lang), dict(PROPERTIES), page_numbers)


def parallel() -> ParallelDocument:
    tail = [Block("certified", "text", [Paragraph([Run("Верно", comment=NOTE)])])]
    return ParallelDocument(single("ru"), single("kk"), dict(PROPERTIES), tail)


#: Reference file name → (writer function name, model).
CASES = {
    "single-ru": ("write", single),
    "letter-kk": ("write", lambda: single("kk", "head-after-first")),
    "parallel": ("write_parallel", parallel),
}
