"""Chinese VAT invoices: buyer and seller blocks, the 合计 row and the total in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.parsing import fapiao
from app.parsing.amounts import amount_in_chinese_words
from app.parsing.layout import text_lines

SIDE_BY_SIDE = (
    "购    名称: 上海明远贸易有限公司                 销    名称: 北京华信科技有限公司\n"
    "买    纳税人识别号: 91310115MA1K3XYACM          售    纳税人识别号: 91110108MA01ABCDW2\n"
    "备注  购方开户银行:招商银行上海分行;银行账号:121909876510601\n"
)
STACKED = (
    "名  称:杭州西湖文化传媒有限公司\n"
    "购 纳税人识别号:91330106MA2CDE8P60\n"
    "买\n"
    "方 地 址、电 话:杭州市西湖区文三路90号\n" + "\n" * 6 + "名  称:上海味香餐饮有限公司\n"
    "销 纳税人识别号:91310104MA1FRT6UNA\n"
    "售\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x陆万柒仟捌佰陆拾玖圆肆角捌分", "67869.48"),
        ("叁仟捌佰圆整", "3800"),
        ("贰万零玖拾柒圆陆角整", "20097.6"),
        ("壹亿贰仟万零伍圆整", "120000005"),
        ("壹拾万圆整", "100000"),
        ("伍角", "0.5"),
    ],
)
def test_amount_in_chinese_words(text: str, expected: str) -> None:
    assert amount_in_chinese_words(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "hello", "壹圆伍"])
def test_amount_in_chinese_words_refuses_unclear(text: str) -> None:
    assert amount_in_chinese_words(text) is None


@pytest.mark.parametrize(
    ("page", "buyer", "seller"),
    [
        (SIDE_BY_SIDE, ("上海明远贸易有限公司", "91310115MA1K3XYACM"), ("北京华信科技有限公司", "91110108MA01ABCDW2")),
        (STACKED, ("杭州西湖文化传媒有限公司", "91330106MA2CDE8P60"), ("上海味香餐饮有限公司", "91310104MA1FRT6UNA")),
    ],
)
def test_parties_belong_to_the_block_label_on_their_left(
    page: str, buyer: tuple[str, str], seller: tuple[str, str]
) -> None:
    parties = fapiao.find_parties(text_lines(page))
    for role, expected in (("buyer", buyer), ("seller", seller)):
        party = parties[role]
        assert party.name is not None and party.tax_id is not None
        assert (party.name.value, party.tax_id.value) == expected


def test_bank_details_in_the_remarks_are_not_a_party() -> None:
    parties = fapiao.find_parties(text_lines("备注  购方开户银行:招商银行上海分行\n销方开户银行:中国工商银行"))
    assert parties["buyer"].name is None and parties["seller"].name is None


def test_summary_from_the_totals_rows_checked_by_the_words() -> None:
    page = text_lines(
        "合    计        ¥61796.00    ¥6073.48\n价税合计(大写)   x陆万柒仟捌佰陆拾玖圆肆角捌分   (小写) ¥67869.48"
    )
    summary, warnings = fapiao.summarise(page)
    assert (summary.subtotal, summary.tax, summary.total) == (
        Decimal("61796.00"),
        Decimal("6073.48"),
        Decimal("67869.48"),
    )
    assert summary.consistent and warnings == []
    assert min(summary.confidence.values()) >= 0.9


def test_words_that_disagree_with_the_figures_are_a_warning() -> None:
    page = text_lines(
        "合    计        ¥61796.00    ¥6073.48\n价税合计(大写)   x陆万柒仟捌佰陆拾圆整   (小写) ¥67869.48"
    )
    summary, warnings = fapiao.summarise(page)
    assert [w.code for w in warnings] == ["amount_in_words_mismatch"]
    assert max(summary.confidence.values()) < 0.9


def test_parties_without_block_labels_fill_the_open_roles_in_reading_order() -> None:
    """OCR often loses the vertical 购买方/销售方 labels: the buyer's block comes first."""
    page = text_lines(
        "名称: 天津滨海物流有限公司                  名称: 成都天府软件园科技有限公司\n"
        "纳税人识别号 91120116MA06LR2KWM            纳税人识别号: 91510100MA6DFG9RP4\n"
    )
    parties = fapiao.find_parties(page)
    assert parties["buyer"].name and parties["buyer"].name.value == "天津滨海物流有限公司"
    assert parties["seller"].tax_id and parties["seller"].tax_id.value == "91510100MA6DFG9RP4"
    assert parties["buyer"].name.confidence < 0.9


def test_credit_code_misread_by_ocr_is_corrected_only_when_its_check_character_agrees() -> None:
    assert fapiao.tax_id("91120116MAO6LR2KWM").value == "91120116MA06LR2KWM"
    assert fapiao.tax_id("91120116MA06LR2KWM").confidence == 1.0
    unsure = fapiao.tax_id("91120116MAO6LR2KWX")
    assert (unsure.value, unsure.confidence) == ("91120116MAO6LR2KWX", 0.7)


def test_total_in_figures_is_read_when_the_words_are_lost() -> None:
    summary, warnings = fapiao.summarise(text_lines("价税合计 (KS)   (小写 ) ¥77380.00"))
    assert summary.total == Decimal("77380.00") and warnings == []
    assert max(summary.confidence.values()) < 0.9
