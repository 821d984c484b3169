from decimal import Decimal

from enforcement.exports import csv_response, safe_cell


def test_text_that_starts_like_a_formula_gets_an_apostrophe():
    for hostile in ("=1+1", "+86 1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(hostile) == "'" + hostile
    assert safe_cell("人民路=1号") == "人民路=1号" and safe_cell(None) == ""


def test_numbers_stay_numbers_even_when_negative():
    assert safe_cell(-3) == -3 and safe_cell(Decimal("-2.50")) == Decimal("-2.50") and safe_cell(-0.5) == -0.5


def test_the_response_streams_with_a_bom_and_neutralised_cells():
    response = csv_response("x.csv", ["=Header", "N"], iter([["-cmd", -4], ["ok", 5]]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert body == "\ufeff'=Header,N\r\n'-cmd,-4\r\nok,5\r\n"
