"""Validation: turn layout items into store records, collecting every error.

Each error names the row, column and value, says what is wrong in Vietnamese and
English, and what to do. Nothing here writes to the database."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from domain.levels import CRITERIA_SET_IDS, DISTRICT_RANK
from domain.years import FIRST_YEAR, LAST_YEAR

from .layouts import MET, NOT_MET, Item, Parsed, low, parse_date
from .matching import Register, Unit, vintage_for
from .readers import cell_text

RANK = DISTRICT_RANK   # the classic ladder; "completed" ranks with "standard"
LEVEL_ALIASES = {"đạt chuẩn": "standard", "ntm": "standard", "nâng cao": "advanced", "kiểu mẫu": "model",
                 "chưa đạt": "none", "hoàn thành": "completed"}
CRITERIA_SETS = CRITERIA_SET_IDS
YEAR_MIN, YEAR_MAX = FIRST_YEAR, LAST_YEAR
HTML_RE = re.compile(r"<\s*/?\s*[a-z!?][^>]*>|javascript\s*:|\bon[a-z]+\s*=", re.I)
CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LEVEL_VI = {"none": "chưa đạt", "standard": "đạt chuẩn", "advanced": "nâng cao", "model": "kiểu mẫu",
            "completed": "hoàn thành nhiệm vụ"}


def default_criteria_set(year: int) -> str:
    return "2009" if year <= 2016 else ("2016-2020" if year <= 2021 else "2021-2025")


@dataclass
class Record:
    row: int
    table: str                    # status | targets
    unit: Unit
    values: dict                  # column -> value for the store
    key: tuple
    match_warning: bool = False


@dataclass
class Outcome:
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    matched: list = field(default_factory=list)
    bad_rows: set = field(default_factory=set)
    province: str | None = None
    report_date: date | None = None

    def err(self, row, column, value, vi, en, hint_vi="", hint_en="", code="invalid"):
        if isinstance(value, (date,)):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (int, str)):
            value = cell_text(value)
        self.errors.append({"row": row, "column": column, "value": value, "code": code,
                            "message": f"{vi} — {en}", "message_vi": vi, "message_en": en,
                            "action_vi": hint_vi, "action_en": hint_en})
        if row is not None:
            self.bad_rows.add(row)

    def warn(self, row, vi, en, column=None):
        self.warnings.append({"row": row, "column": column, "message": f"{vi} — {en}",
                              "message_vi": vi, "message_en": en})


def _int(v):
    """Integer value of a cell, or raise ValueError."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError
    if isinstance(v, (int,)):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v) or not v.is_integer():
            raise ValueError
        return int(v)
    s = cell_text(v)
    if s == "":
        return None
    if not re.fullmatch(r"[+-]?\d{1,9}(\.0+)?", s):
        raise ValueError
    return int(float(s))


def _mark(v):
    """True/False for a criterion mark; 'partial' for a percentage; raise ValueError otherwise."""
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if v == 1:
            return True
        if v == 0:
            return False
        if 0 < v < 1:
            return "partial"
        raise ValueError
    s = low(v)
    if s in MET:
        return True
    if s in NOT_MET:
        return False
    if re.fullmatch(r"\d{1,2}(\.\d+)?\s*%", s):
        return "partial"
    raise ValueError


class Validator:
    def __init__(self, register: Register, parsed: Parsed, *, province=None, scope=None, today=None,
                 current_levels=None):
        self.reg, self.p = register, parsed
        self.out = Outcome()
        self.province = province
        self.scope = scope            # None (all) | ("province", code) | ("district", code)
        self.today = today or date.today()

    # --- helpers ---------------------------------------------------------
    def _text_ok(self, item: Item, name: str) -> bool:
        v, col = item.fields.get(name, (None, None))
        if v is None:
            return True
        s = cell_text(v)
        if HTML_RE.search(s) or CTRL_RE.search(s):
            self.out.err(item.row, col, s, "Văn bản chứa mã HTML/script hoặc ký tự điều khiển",
                         "Text contains HTML/script markup or control characters",
                         "Xóa thẻ HTML/ký tự lạ, chỉ để văn bản thường", "Remove the markup; plain text only",
                         code="markup")
            return False
        if len(s) > 2000:
            self.out.err(item.row, col, s[:60] + "…", "Văn bản quá dài (> 2000 ký tự)", "Text too long (> 2000 characters)",
                         "Rút gọn", "Shorten it")
            return False
        return True

    def _infer_province(self) -> str | None:
        if self.province:
            return self.province
        if self.scope:
            return self.scope[1][:2] if self.scope[0] == "province" else self._district_province(self.scope[1])
        votes = {}
        for it in self.p.items:
            code = cell_text(it.fields.get("unit_code", (None,))[0] or it.fields.get("code", (None,))[0])
            prov = self.reg.code_province.get(code) if code else None
            if prov:
                votes[prov] = votes.get(prov, 0) + 1
            d = it.context.get("district") or ((cell_text(it.fields.get("district", (None,))[0]), it.row))
            if d and d[0]:
                for v in self.reg.vintages:
                    for u in self.reg.find_district(v, d[0]):
                        votes[u.province_code] = votes.get(u.province_code, 0) + 1
        if len(votes) == 1:
            return next(iter(votes))
        if votes:
            best = sorted(votes.items(), key=lambda kv: -kv[1])
            if best[0][1] > 2 * best[1][1]:
                return best[0][0]
        return None

    def _unplaceable_rows(self):
        """Without a province, still name the rows whose code or district is in no register."""
        for it in self.p.items:
            code, ccol = it.fields.get("unit_code", (None, None))
            code = cell_text(code)
            if code and code not in self.reg.code_province:
                self.out.err(it.row, ccol, code, f"Mã đơn vị '{code}' không có trong danh mục nào",
                             f"Unit code '{code}' is in no register", "Kiểm tra mã GSO", "Check the GSO code",
                             code="unknown_unit")
            d, dcol = it.fields.get("district", (None, None))
            d = cell_text(d)
            if d and not any(self.reg.find_district(v, d) for v in self.reg.vintages):
                self.out.err(it.row, dcol, d, f"Không tìm thấy huyện '{d}' trong danh mục nào",
                             f"District '{d}' is in no register", "Sửa tên huyện", "Correct the district name",
                             code="unknown_district")

    def _district_province(self, code):
        for (v, c), u in self.reg.by_code.items():
            if c == code and u.admin_level == "district":
                return u.province_code
        return None

    def _vintage(self, on: date) -> str | None:
        v = vintage_for(self.province, on, self.reg)
        return v

    def _in_scope(self, unit: Unit) -> bool:
        if not self.scope:
            return True
        kind, code = self.scope
        if kind == "province":
            return unit.province_code == code
        return unit.unit_code == code or unit.parent_code == code

    def _district(self, item, vintage, dname, col, row=None):
        if not dname:
            return None, True
        found = self.reg.find_district(vintage, dname)
        if len(found) == 1:
            return found[0], True
        self.out.err(row or item.row, col, dname,
                     f"Không tìm thấy huyện '{dname}' trong danh mục {vintage}" if not found else f"Tên huyện '{dname}' không rõ ràng",
                     f"Unknown district '{dname}' in register {vintage}" if not found else f"Ambiguous district '{dname}'",
                     "Sửa tên huyện theo danh mục hành chính", "Correct the district name to the official register",
                     code="unknown_district")
        return None, False

    def _match(self, item, vintage, code_field="unit_code", district=None, name_field="unit_name"):
        code, ccol = item.fields.get(code_field, (None, None))
        name, ncol = item.fields.get(name_field, (None, None))
        code = cell_text(code)
        if code:
            u = self.reg.match_code(vintage, code)
            if u is None and code.isdigit() and len(code) < 5:
                u = self.reg.match_code(vintage, code.zfill(5 if len(code) > 3 else 3))
            if u is None:
                self.out.err(item.row, ccol, code, f"Mã đơn vị '{code}' không có trong danh mục {vintage}",
                             f"Unit code '{code}' is not in register {vintage}",
                             "Kiểm tra mã GSO và năm của báo cáo", "Check the GSO code and the report year",
                             code="unknown_unit")
                self.out.unmatched.append({"row": item.row, "unit_code": code, "name": cell_text(name),
                                           "vintage": vintage, "suggestions": []})
                return None
            if name and cell_text(name):
                m = self.reg.match_commune(vintage, name, self.reg.by_code.get((vintage, u.parent_code)))
                if u.admin_level == "commune" and m.unit is not None and m.unit.unit_code != u.unit_code:
                    self.out.err(item.row, ncol, cell_text(name),
                                 f"Tên '{cell_text(name)}' không khớp mã {code} ({u.name})",
                                 f"Name '{cell_text(name)}' does not match code {code} ({u.name})",
                                 "Sửa mã hoặc tên", "Correct the code or the name", code="code_name_mismatch")
                    return None
            return u
        if not name or not cell_text(name):
            self.out.err(item.row, ncol or ccol, None, "Thiếu mã hoặc tên đơn vị", "Missing unit code or name",
                         "Nhập unit_code hoặc unit_name", "Fill unit_code or unit_name", code="missing")
            return None
        if not self._text_ok(item, name_field):
            return None
        if district is None and cell_text(name) and re.match(r"^(huyện|thị xã|thành phố)\s", cell_text(name), re.I):
            found = self.reg.find_district(vintage, cell_text(name))
            if len(found) == 1:
                return found[0]
        m = self.reg.match_commune(vintage, cell_text(name), district)
        if m.unit is None:
            self.out.err(item.row, ncol, cell_text(name), m.error_vi, m.error_en, m.hint_vi, m.hint_en,
                         code="unknown_unit" if "Ambiguous" not in m.error_en else "ambiguous_unit")
            self.out.unmatched.append({"row": item.row, "name": cell_text(name), "vintage": vintage,
                                       "district": district.name if district else None,
                                       "suggestions": m.suggestions})
            return None
        for vi, en in m.warnings:
            self.out.warn(item.row, vi, en, ncol)
        return m.unit

    def _check_unit_level(self, item, unit, level, col) -> bool:
        ok = True
        if unit.admin_level == "commune" and unit.unit_type in ("phường", "thị trấn"):
            ok = False
            self.out.err(item.row, col, level,
                         f"{unit.name} là {unit.unit_type}: không xét mức NTM cấp xã",
                         f"{unit.name} is a {unit.unit_type} (urban): the commune NTM ladder does not apply",
                         "Xóa dòng này", "Remove this row", code="not_eligible")
        elif unit.admin_level == "commune" and level == "completed":
            ok = False
            self.out.err(item.row, col, level, "Mức 'completed' chỉ dùng cho thị xã/thành phố",
                         "Level 'completed' applies only to district-level towns/cities",
                         "Dùng none/standard/advanced/model", "Use none/standard/advanced/model")
        elif unit.admin_level == "district" and unit.unit_type in ("thị xã", "thành phố") and level not in ("none", "completed"):
            ok = False
            self.out.err(item.row, col, level, f"{unit.name}: thị xã/thành phố chỉ có mức 'completed'",
                         f"{unit.name}: a town/city can only be 'completed'", "Dùng 'completed'", "Use 'completed'")
        elif unit.admin_level == "district" and unit.unit_type == "huyện" and level == "completed":
            ok = False
            self.out.err(item.row, col, level, "Huyện dùng mức standard/advanced/model",
                         "A huyện uses standard/advanced/model", "Sửa mức", "Correct the level")
        elif unit.admin_level not in ("commune", "district"):
            ok = False
            self.out.err(item.row, col, unit.unit_code, "Chỉ nhập trạng thái cho xã hoặc huyện",
                         "Status rows are for communes or districts only", "Sửa mã đơn vị", "Correct the unit")
        if ok and not self._in_scope(unit):
            ok = False
            self.out.err(item.row, col, unit.name, f"{unit.name} ngoài phạm vi tài khoản của bạn",
                         f"{unit.name} is outside your account's scope", "Chỉ nhập đơn vị thuộc phạm vi được giao",
                         "Import only units of your own province/district", code="scope")
        if ok and self.province and unit.province_code != self.province:
            ok = False
            self.out.err(item.row, col, unit.name, f"{unit.name} không thuộc tỉnh {self.province}",
                         f"{unit.name} is not in province {self.province}", "Kiểm tra --province", "Check --province",
                         code="scope")
        return ok

    def _year(self, item, name, latest: int | None = None, required=True):
        v, col = item.fields.get(name, (None, None))
        try:
            y = _int(v)
        except ValueError:
            self.out.err(item.row, col, cell_text(v), "Năm không hợp lệ", "Not a valid year",
                         "Nhập năm 4 chữ số, ví dụ 2021", "Enter a 4-digit year, e.g. 2021", code="year")
            return None, False
        if y is None:
            if required:
                self.out.err(item.row, col, None, "Thiếu năm", "Missing year", "Nhập năm", "Enter the year",
                             code="missing")
                return None, False
            return None, True
        if not YEAR_MIN <= y <= YEAR_MAX:
            self.out.err(item.row, col, y, f"Năm {y} ngoài giai đoạn chương trình ({YEAR_MIN}–{YEAR_MAX})",
                         f"Year {y} is outside the programme ({YEAR_MIN}–{YEAR_MAX})", "Sửa năm", "Correct the year",
                         code="year")
            return None, False
        if latest is not None and y > latest:
            self.out.err(item.row, col, y, f"Năm {y} sau ngày báo cáo/quyết định ({latest})",
                         f"Year {y} is after the report/decision date ({latest})", "Sửa năm", "Correct the year",
                         code="year")
            return None, False
        return y, True

    def _marks(self, item, n):
        met, missing, ok, any_mark = 0, [], True, False
        for k in range(1, n + 1):
            v, col = item.fields.get(f"c{k:02d}", (None, None))
            if col is None:
                continue
            try:
                m = _mark(v)
            except ValueError:
                self.out.err(item.row, col, cell_text(v), f"Ký hiệu tiêu chí {k} không hiểu được",
                             f"Unreadable mark for criterion {k}",
                             "Dùng x/Đ/Đạt/1 (đạt) hoặc để trống/CĐ/0 (chưa đạt)",
                             "Use x/Đ/Đạt/1 (met) or blank/CĐ/0 (not met)", code="mark")
                ok = False
                continue
            if v is not None:
                any_mark = True
            if m == "partial":
                self.out.warn(item.row, f"Tiêu chí {k} đạt một phần ({cell_text(v)}): tính là chưa đạt",
                              f"Criterion {k} partly met ({cell_text(v)}): counted as not met", col)
            if m is True:
                met += 1
            else:
                missing.append(str(k))
        return met, missing, ok, any_mark

    # --- layouts -----------------------------------------------------------
    def run(self) -> Outcome:
        self.province = self._infer_province()
        self.out.province = self.province
        if not self.province and not self.p.items:
            return self.out
        if not self.province:
            self._unplaceable_rows()
            self.out.err(None, None, None, "Không xác định được tỉnh của bảng",
                         "Cannot tell which province the table is for",
                         "Dùng --province MÃ (ví dụ 42) hoặc thêm cột unit_code",
                         "Pass --province CODE (e.g. 42) or add a unit_code column", code="province")
            return self.out
        getattr(self, "_" + self.p.kind)()
        self._cross_row()
        return self.out

    def _status_table(self):
        for it in self.p.items:
            nerr = len(self.out.errors)
            for name in ("note", "decision_no", "source", "district"):   # unit_name: checked in _match
                self._text_ok(it, name)
            ddate = None
            dv, dcol = it.fields.get("decision_date", (None, None))
            if dv is not None:
                try:
                    ddate = parse_date(dv)
                    if ddate > self.today:
                        self.out.err(it.row, dcol, cell_text(dv), "Ngày quyết định ở tương lai", "Decision date is in the future",
                                     "Sửa ngày", "Correct the date", code="date")
                except ValueError:
                    self.out.err(it.row, dcol, cell_text(dv), "Ngày không hợp lệ", "Not a valid date",
                                 "Dùng dd/mm/yyyy", "Use dd/mm/yyyy", code="date")
            latest = min(ddate.year if ddate else self.today.year, self.today.year)
            year, _ = self._year(it, "year", latest)
            lv_raw, lcol = it.fields.get("level", (None, None))
            level = LEVEL_ALIASES.get(low(lv_raw), low(lv_raw))
            if level not in RANK:
                self.out.err(it.row, lcol, cell_text(lv_raw), "Mức không hợp lệ", "Invalid level",
                             "Dùng none/standard/advanced/model/completed", "Use none/standard/advanced/model/completed",
                             code="level")
                level = None
            if year is None:
                continue
            vv, vcol = it.fields.get("vintage", (None, None))
            if vv is not None:
                vintage = cell_text(vv)
                if vintage not in self.reg.vintages:
                    self.out.err(it.row, vcol, vintage, "Vintage không tồn tại", "Unknown vintage",
                                 f"Dùng một trong {', '.join(self.reg.vintages)}", f"Use one of {', '.join(self.reg.vintages)}")
                    continue
            else:
                on = ddate or (date(year, 12, 31) if year else self.today)
                vintage = self._vintage(on)
                if vintage is None:
                    self.out.err(it.row, None, on.isoformat(), f"Không có danh mục đơn vị của tỉnh {self.province} cho ngày {on}",
                                 f"No unit register of province {self.province} valid on {on}", "Kiểm tra năm", "Check the year")
                    continue
            dn, dcol2 = it.fields.get("district", (None, None))
            district, okd = self._district(it, vintage, cell_text(dn), dcol2)
            if not okd:
                continue
            unit = self._match(it, vintage, district=district)
            if unit is None or level is None or year is None:
                continue
            if not self._check_unit_level(it, unit, level, lcol):
                continue
            # Criteria.
            cs_raw, cscol = it.fields.get("criteria_set", (None, None))
            cset = cell_text(cs_raw) or default_criteria_set(year)
            if cset not in CRITERIA_SETS:
                self.out.err(it.row, cscol, cset, "Bộ tiêu chí không hợp lệ", "Unknown criteria set",
                             f"Dùng {', '.join(CRITERIA_SETS)}", f"Use {', '.join(CRITERIA_SETS)}")
                continue
            try:
                met = _int(it.fields.get("criteria_met", (None,))[0])
            except ValueError:
                met = "bad"
                self.out.err(it.row, it.fields["criteria_met"][1], cell_text(it.fields["criteria_met"][0]),
                             "Số tiêu chí đạt không phải số nguyên", "criteria_met is not a whole number",
                             "Nhập số nguyên", "Enter a whole number", code="number")
            try:
                total = _int(it.fields.get("criteria_total", (None,))[0])
            except ValueError:
                total = "bad"
                self.out.err(it.row, it.fields["criteria_total"][1], cell_text(it.fields["criteria_total"][0]),
                             "Tổng số tiêu chí không phải số nguyên", "criteria_total is not a whole number",
                             "Nhập 19 hoặc 20", "Enter 19 or 20", code="number")
            if "bad" in (met, total):
                continue
            has_c20 = it.fields.get("c20", (None,))[0] is not None
            n_marks = 20 if (has_c20 or total == 20) else 19
            mmet, missing, mok, any_mark = self._marks(it, n_marks)
            if not mok:
                continue
            if total is None and (met is not None or any_mark):
                total = n_marks
            if unit.admin_level == "district":
                # District NTM set: 9 criteria (reference/ntm_facts.md §A4).
                if any_mark:
                    self.out.err(it.row, None, None, "Cột c01…c20 chỉ dùng cho xã", "Columns c01…c20 are for communes only",
                                 "Dùng criteria_met/criteria_total cho huyện", "Use criteria_met/criteria_total for districts")
                    continue
                if total is not None and total != 9:
                    self.out.err(it.row, it.fields["criteria_total"][1], total, "Bộ tiêu chí huyện có 9 tiêu chí",
                                 "The district criteria set has 9 criteria", "Sửa tổng thành 9", "Set the total to 9",
                                 code="number")
                    continue
            elif total is not None and total not in (19, 20):
                self.out.err(it.row, it.fields["criteria_total"][1], total, "Tổng số tiêu chí phải là 19 (hoặc 20 ở Hà Tĩnh 2016–2020)",
                             "criteria_total must be 19 (or 20 for Hà Tĩnh 2016–2020)", "Sửa tổng", "Correct the total",
                             code="number")
                continue
            if total == 20 and not (cset == "2016-2020" and unit.province_code == "42"):
                self.out.err(it.row, it.fields.get("criteria_total", (None, None))[1], total,
                             "20 tiêu chí chỉ có ở bộ 2016–2020 của Hà Tĩnh", "20 criteria exist only in Hà Tĩnh's 2016–2020 set",
                             "Sửa tổng hoặc bộ tiêu chí", "Correct the total or the criteria set", code="number")
                continue
            if met is not None and not (0 <= met <= (total or 19)):
                self.out.err(it.row, it.fields["criteria_met"][1], met, f"Số tiêu chí đạt {met} ngoài 0…{total}",
                             f"criteria_met {met} outside 0…{total}", "Sửa số tiêu chí đạt", "Correct criteria_met",
                             code="number")
                continue
            if any_mark:
                if met is not None and met != mmet:
                    self.out.err(it.row, it.fields["criteria_met"][1], met,
                                 f"Số tiêu chí đạt ({met}) khác số ô đánh dấu đạt ({mmet})",
                                 f"criteria_met ({met}) disagrees with the per-criterion marks ({mmet} met)",
                                 "Sửa số hoặc các ô đánh dấu", "Correct the count or the marks", code="criteria_mismatch")
                    continue
                met = mmet
            if met is not None and level in ("standard", "advanced", "model") and met < total:
                self.out.err(it.row, lcol, level, f"Mức '{LEVEL_VI[level]}' nhưng chỉ đạt {met}/{total} tiêu chí",
                             f"Level '{level}' with only {met}/{total} criteria met",
                             "Sửa mức hoặc số tiêu chí", "Correct the level or the criteria", code="level_criteria")
                continue
            prov_raw, pcol = it.fields.get("provenance", (None, None))
            decision_no = cell_text(it.fields.get("decision_no", (None,))[0]) or None
            prov = low(prov_raw) or ("official" if decision_no and ddate else "reported")
            if prov not in ("official", "reported"):
                self.out.err(it.row, pcol, cell_text(prov_raw), "Nguồn gốc chỉ nhận 'official' hoặc 'reported'",
                             "Provenance must be 'official' or 'reported' for imports", "Sửa cột provenance",
                             "Correct the provenance column")
                continue
            if prov == "official" and not (decision_no and ddate):
                self.out.err(it.row, pcol, prov, "'official' cần số và ngày quyết định",
                             "'official' needs a decision number and date", "Thêm decision_no, decision_date",
                             "Add decision_no and decision_date")
                continue
            if len(self.out.errors) > nerr:
                continue
            self._add(it, unit, year, level, {
                "criteria_set": cset if (met is not None or cs_raw is not None) else None,
                "criteria_met": met, "criteria_total": total if met is not None else None,
                "missing_criteria": ";".join(missing) if any_mark and missing else None,
                "decision_no": decision_no, "decision_date": ddate.isoformat() if ddate else None,
                "source_id": cell_text(it.fields.get("source", (None,))[0]) or None,
                "provenance": prov, "note": cell_text(it.fields.get("note", (None,))[0]) or None})

    def _target_table(self):
        for it in self.p.items:
            nerr = len(self.out.errors)
            for name in ("note", "source", "district"):   # unit_name: checked in _match
                self._text_ok(it, name)
            year, _ = self._year(it, "target_year")
            lv_raw, lcol = it.fields.get("level", (None, None))
            level = LEVEL_ALIASES.get(low(lv_raw), low(lv_raw))
            if level not in ("standard", "advanced", "model", "completed"):
                self.out.err(it.row, lcol, cell_text(lv_raw), "Mức mục tiêu không hợp lệ", "Invalid target level",
                             "Dùng standard/advanced/model/completed", "Use standard/advanced/model/completed", code="level")
                continue
            if year is None:
                continue
            # A plan names units as they are when it is written: the vintage of the target year,
            # else the province's newest register.
            vintage = self._vintage(date(year, 12, 31)) or self._vintage(self.today) or (
                self.reg.province_vintages(self.province) or [None])[-1]
            if vintage is None:
                self.out.err(it.row, None, year, "Không có danh mục đơn vị của tỉnh", "No unit register for the province",
                             "Kiểm tra --province", "Check --province")
                continue
            dn, dcol = it.fields.get("district", (None, None))
            district, okd = self._district(it, vintage, cell_text(dn), dcol)
            if not okd:
                continue
            unit = self._match(it, vintage, district=district)
            if unit is None or not self._check_unit_level(it, unit, level, lcol):
                continue
            share, count = None, None
            for name in ("target_share", "target_count"):
                v, col = it.fields.get(name, (None, None))
                if v is None:
                    continue
                try:
                    x = float(cell_text(v).replace(",", "."))
                    if math.isnan(x) or (name == "target_share" and not 0 <= x <= 1) or (name == "target_count" and (x < 0 or not x.is_integer())):
                        raise ValueError
                except ValueError:
                    self.out.err(it.row, col, cell_text(v), f"{name} không hợp lệ", f"Invalid {name}",
                                 "Tỉ lệ trong [0,1]; số lượng là số nguyên ≥ 0", "Share in [0,1]; count a whole number ≥ 0",
                                 code="number")
                    continue
                share, count = (x, count) if name == "target_share" else (share, int(x))
            if len(self.out.errors) > nerr:
                continue
            prov = low(it.fields.get("provenance", (None,))[0]) or "reported"
            rec = {"scope": "unit" if unit.admin_level == "commune" else "district", "vintage": unit.vintage,
                   "unit_code": unit.unit_code, "admin_level": unit.admin_level, "level": level,
                   "target_year": year, "target_share": share, "target_count": count,
                   "source_id": cell_text(it.fields.get("source", (None,))[0]) or None, "provenance": prov,
                   "note": cell_text(it.fields.get("note", (None,))[0]) or None}
            self.out.records.append(Record(it.row, "targets", unit, rec, ("T", unit.vintage, unit.unit_code, level)))
            self.out.matched.append({"row": it.row, "unit_code": unit.unit_code, "name": unit.name})

    def _summary_sheet(self):
        meta = self.p.meta
        n = meta["criteria_total"]
        rdate = meta.get("report_date")
        self.out.report_date = rdate
        if rdate is None:
            return
        if rdate > self.today:
            self.out.err(meta.get("date_row"), None, rdate.isoformat(), "Ngày báo cáo ở tương lai",
                         "The reporting date is in the future", "Sửa ngày báo cáo", "Correct the reporting date")
            return
        vintage = self._vintage(rdate)
        if vintage is None:
            self.out.err(meta.get("date_row"), None, rdate.isoformat(), "Không có danh mục đơn vị cho ngày báo cáo",
                         "No unit register valid on the reporting date", "Kiểm tra ngày", "Check the date")
            return
        cset = "2016-2020" if n == 20 else default_criteria_set(rdate.year)
        if n == 20 and self.province != "42":
            self.out.warn(None, "Bảng có 20 tiêu chí (bộ riêng của Hà Tĩnh 2016–2020)",
                          "The sheet has 20 criteria (Hà Tĩnh's own 2016–2020 set)")
        districts = {}
        for it in self.p.items:
            nerr = len(self.out.errors)
            self._text_ok(it, "note")
            d = it.context.get("district")
            district = None
            if d:
                if d not in districts:
                    districts[d] = self._district(it, vintage, d[0], self.p.meta["columns"].get("name"), row=d[1])
                district, okd = districts[d]
                if not okd:
                    self.out.bad_rows.add(it.row)
                    continue
            unit = self._match(it, vintage, code_field="code", district=district)
            if unit is None:
                continue
            met, missing, mok, any_mark = self._marks(it, n)
            cnt_v, ccol = it.fields.get("count", (None, None))
            try:
                cnt = _int(cnt_v)
            except ValueError:
                self.out.err(it.row, ccol, cell_text(cnt_v), "Số tiêu chí đạt không phải số nguyên",
                             "Criteria count is not a whole number", "Nhập số nguyên", "Enter a whole number", code="number")
                continue
            if cnt is not None and not 0 <= cnt <= n:
                self.out.err(it.row, ccol, cnt, f"Số tiêu chí đạt {cnt} ngoài 0…{n}", f"Criteria count {cnt} outside 0…{n}",
                             "Sửa số tiêu chí đạt", "Correct the count", code="number")
                continue
            if cnt is not None and any_mark and mok and cnt != met:
                self.out.err(it.row, ccol, cnt, f"Số tiêu chí đạt ({cnt}) khác số ô đánh dấu đạt ({met})",
                             f"Criteria count ({cnt}) disagrees with the per-criterion marks ({met} met)",
                             "Sửa số hoặc các ô đánh dấu", "Correct the count or the marks", code="criteria_mismatch")
                continue
            if not mok:
                continue
            if cnt is not None and not any_mark:
                met, missing = cnt, None
            years = {}
            for lv, key in (("standard", "year_standard"), ("advanced", "year_advanced"), ("model", "year_model")):
                if key in it.fields:
                    y, ok = self._year(it, key, rdate.year, required=False)
                    if y is not None:
                        years[lv] = y
            if len(self.out.errors) > nerr:
                continue
            order = [years.get(lv) for lv in ("standard", "advanced", "model")]
            if (order[1] and (not order[0] or order[1] < order[0])) or (order[2] and (not order[1] or order[2] < order[1])):
                self.out.err(it.row, self.p.meta["columns"].get("year_advanced"), str(order),
                             "Năm các mức không theo thứ tự (chuẩn ≤ nâng cao ≤ kiểu mẫu)",
                             "Level years out of order (standard ≤ advanced ≤ model)", "Sửa năm", "Correct the years",
                             code="year_order")
                continue
            note = cell_text(it.fields.get("note", (None,))[0]) or None
            if unit.admin_level == "commune" and unit.unit_type != "xã":
                if years:
                    self._check_unit_level(it, unit, "standard", self.p.meta["columns"].get("year_standard"))
                else:
                    self.out.warn(it.row, f"{unit.name} ({unit.unit_type}) bỏ qua: không xét NTM cấp xã",
                                  f"{unit.name} ({unit.unit_type}) skipped: the commune NTM ladder does not apply")
                continue
            if not self._check_unit_level(it, unit, "none", None):
                continue
            current = max((lv for lv, y in years.items()), key=lambda lv: RANK[lv], default="none")
            if current != "none" and met < n:
                y_cur = years[current]
                if default_criteria_set(y_cur) == cset:
                    self.out.err(it.row, ccol or self.p.meta["columns"].get("year_standard"), f"{met}/{n}",
                                 f"Đã đạt '{LEVEL_VI[current]}' năm {y_cur} nhưng chỉ đạt {met}/{n} tiêu chí",
                                 f"Recognised '{current}' in {y_cur} but only {met}/{n} criteria met",
                                 "Sửa năm đạt chuẩn hoặc các tiêu chí", "Correct the year or the criteria",
                                 code="level_criteria")
                    continue
                self.out.warn(it.row, f"{unit.name}: công nhận năm {y_cur} theo bộ cũ, nay đạt {met}/{n} ({cset})",
                              f"{unit.name}: recognised in {y_cur} under an older set, now {met}/{n} ({cset})")
            for lv, y in years.items():
                if y != rdate.year or lv != current:
                    self._add(it, unit, y, lv, {"criteria_set": default_criteria_set(y), "provenance": "reported",
                                                "note": None})
            self._add(it, unit, rdate.year, current, {
                "criteria_set": cset, "criteria_met": met, "criteria_total": n,
                "missing_criteria": ";".join(missing) if missing else None,
                "provenance": "reported", "note": note})

    def _decision_list(self):
        meta = self.p.meta
        ddate, year = meta.get("decision_date"), meta.get("label_year")
        if not ddate or not year:
            return
        self.out.report_date = ddate
        if ddate > self.today:
            self.out.err(None, None, ddate.isoformat(), "Ngày quyết định ở tương lai", "Decision date is in the future",
                         "Sửa ngày", "Correct the date")
            return
        if not YEAR_MIN <= year <= min(YEAR_MAX, ddate.year):
            self.out.err(None, None, year, f"Năm đạt chuẩn {year} không hợp lệ (giai đoạn {YEAR_MIN}–{YEAR_MAX}, không sau ngày quyết định)",
                         f"Label year {year} invalid ({YEAR_MIN}–{YEAR_MAX}, not after the decision date)",
                         "Sửa năm", "Correct the year", code="year")
            return
        vintage = self._vintage(ddate)
        if vintage is None:
            self.out.err(None, None, ddate.isoformat(), "Không có danh mục đơn vị cho ngày quyết định",
                         "No unit register valid on the decision date", "Kiểm tra ngày", "Check the date")
            return
        districts = {}
        for it in self.p.items:
            level = it.context.get("level")
            self._text_ok(it, "note")
            if not level:
                self.out.err(it.row, None, cell_text(it.fields["unit_name"][0]), "Dòng xã trước tiêu đề mức (NTM / nâng cao / kiểu mẫu)",
                             "Commune row before a level heading (NTM / nâng cao / kiểu mẫu)",
                             "Thêm dòng tiêu đề mức", "Add the level heading row")
                continue
            d = it.context.get("district")
            district = None
            if d:
                if d[0] not in districts:
                    districts[d[0]] = self._district(it, vintage, d[0], None, row=d[1])
                district, okd = districts[d[0]]
                if not okd:
                    continue
            unit = self._match(it, vintage, district=district)
            if unit is None or not self._check_unit_level(it, unit, level, it.fields["unit_name"][1]):
                continue
            self._add(it, unit, year, level, {
                "criteria_set": default_criteria_set(year), "decision_no": meta["decision_no"],
                "decision_date": ddate.isoformat(), "provenance": "official",
                "note": cell_text(it.fields.get("note", (None,))[0]) or None})

    # --- shared --------------------------------------------------------------
    def _add(self, it, unit, year, level, vals):
        base = {"vintage": unit.vintage, "unit_code": unit.unit_code, "admin_level": unit.admin_level,
                "year": year, "level": level, "criteria_set": None, "criteria_met": None, "criteria_total": None,
                "missing_criteria": None, "decision_no": None, "decision_date": None, "source_id": None,
                "provenance": "reported", "derived_from": None, "note": None}
        base.update(vals)
        self.out.records.append(Record(it.row, "status", unit, base, ("S", unit.vintage, unit.unit_code, year, level)))
        if not self.out.matched or self.out.matched[-1]["row"] != it.row:
            self.out.matched.append({"row": it.row, "unit_code": unit.unit_code, "name": unit.name,
                                     "vintage": unit.vintage})

    def _cross_row(self):
        seen = {}
        keep = []
        for r in self.out.records:
            prev = seen.get(r.key)
            if prev is None:
                seen[r.key] = r
                keep.append(r)
                continue
            if prev.values == r.values:
                if prev.row != r.row:
                    self.out.warn(r.row, f"Dòng trùng với dòng {prev.row} (bỏ qua)", f"Duplicate of row {prev.row} (skipped)")
                continue
            diff = sorted(k for k in r.values if r.values[k] != prev.values.get(k))
            self.out.err(r.row, ", ".join(diff), r.unit.name,
                         f"Dòng mâu thuẫn với dòng {prev.row} cho {r.unit.name} ({', '.join(diff)})",
                         f"Row conflicts with row {prev.row} for {r.unit.name} ({', '.join(diff)})",
                         "Giữ lại một dòng đúng", "Keep one correct row", code="conflict")
        # Level going down inside the file without a note.
        by_unit = {}
        for r in keep:
            if r.table == "status":
                by_unit.setdefault((r.unit.vintage, r.unit.unit_code), []).append(r)
        for recs in by_unit.values():
            recs.sort(key=lambda r: (r.values["year"], RANK[r.values["level"]]))
            best = None
            for r in recs:
                if best and RANK[r.values["level"]] < RANK[best.values["level"]] and r.values["year"] > best.values["year"] \
                        and not r.values.get("note"):
                    self.out.err(r.row, "level", r.values["level"],
                                 f"{r.unit.name}: mức giảm từ '{LEVEL_VI[best.values['level']]}' ({best.values['year']}) "
                                 f"xuống '{LEVEL_VI[r.values['level']]}' ({r.values['year']}) mà không có ghi chú",
                                 f"{r.unit.name}: level goes down from '{best.values['level']}' ({best.values['year']}) "
                                 f"to '{r.values['level']}' ({r.values['year']}) without a note",
                                 "Thêm ghi chú giải thích (ví dụ: rớt chuẩn theo bộ tiêu chí mới)",
                                 "Add a note explaining why (e.g. fell below the new criteria set)", code="level_down")
                if best is None or RANK[r.values["level"]] >= RANK[best.values["level"]]:
                    best = r
        bad = self.out.bad_rows
        self.out.records = [r for r in keep if r.row not in bad]


def check_against_store(out: Outcome, current: dict) -> None:
    """Level going down against the stored history. `current` maps (vintage, unit_code) to a list of
    (year, level, id, provenance) of the active rows."""
    for r in out.records:
        if r.table != "status" or r.values.get("note"):
            continue
        y, lv = r.values["year"], r.values["level"]
        # The illustrative demo fill never blocks a real report.
        earlier = [(yy, ll) for yy, ll, _id, prov in current.get((r.unit.vintage, r.unit.unit_code), [])
                   if yy < y and prov != "illustrative"]
        if not earlier:
            continue
        top = max(earlier, key=lambda t: RANK.get(t[1], 0))
        if RANK.get(lv, 0) < RANK.get(top[1], 0):
            out.err(r.row, "level", lv,
                    f"{r.unit.name}: mức giảm so với dữ liệu đã lưu ('{LEVEL_VI.get(top[1], top[1])}' năm {top[0]}) mà không có ghi chú",
                    f"{r.unit.name}: level goes down from the stored '{top[1]}' ({top[0]}) without a note",
                    "Thêm ghi chú giải thích", "Add a note explaining why", code="level_down")
    out.records = [r for r in out.records if r.row not in out.bad_rows]
