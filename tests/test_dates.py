import pytest

from newscli.dates import parse_date_line


@pytest.mark.parametrize(
    "line,expected",
    [
        ("Monday, 9th December 2024", "2024-12-09"),
        ("Saturday, 14th May 2022", "2022-05-14"),
        ("9 December 2024", "2024-12-09"),
        ("December 9, 2024", "2024-12-09"),
        ("Dec. 9, 2024", "2024-12-09"),
        ("Sept. 1, 2020", "2020-09-01"),
        ("Tue 3rd of March 2020", "2020-03-03"),
        ("2024-12-09", "2024-12-09"),
        ("  2024-12-09  ", "2024-12-09"),
        ("2020-03-10T14:02:00Z", "2020-03-10T14:02:00+00:00"),
        ("2020-03-10 14:02", "2020-03-10T14:02:00"),
        ("14 May 2022 10:30 GMT", "2022-05-14T10:30:00+00:00"),
        ("Sept. 1, 2020, 4:05 pm", "2020-09-01T16:05:00"),
        ("May I help", None),
        ("50 kilometres", None),
        ("May 2022", None),
        ("31 February 2022", None),
        ("2022-13-01", None),
        ("On 14 May 2022 the army said", None),
        ("14 May 2022 was a Saturday", None),
        ("", None),
    ],
)
def test_parse_date_line(line, expected):
    assert parse_date_line(line) == expected
