"""The identifier search the safety tests rely on finds a leak and ignores digits inside other tokens."""

from leaks import found


def test_a_year_is_found_in_a_date_and_not_inside_a_timestamp_or_a_hash() -> None:
    assert found(("1961", "Okonkwo"), "DOB 14/03/1961, Mr Okonkwo-Barrie") == ["1961", "Okonkwo"]
    assert found(("1961",), '"reply_to_id":"1796076737196100","key":"teams:ab1961cd"') == []
