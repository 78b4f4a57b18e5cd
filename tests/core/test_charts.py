from hubbub.core.charts import ChartRow, bar_chart_svg


def test_bar_chart_escapes_labels_and_scales_bars_to_the_largest_value():
    svg = bar_chart_svg(
        "Readers per day",
        [ChartRow("<script>x</script>", 50), ChartRow("Day two", 100)],
        chart_id="readers",
    )
    assert "<script>" not in svg
    assert 'aria-labelledby="readers-title"' in svg
    assert '<title id="readers-title">Readers per day</title>' in svg
    widths = [int(part.split('"')[0]) for part in svg.split('width="')[2:]]
    assert widths[1] == 2 * widths[0]


def test_bar_chart_without_rows_says_so():
    assert "No data yet" in bar_chart_svg("Nothing", [], chart_id="empty")
