"""Namespace URIs, relationship types, content types and precomputed Clark-notation tags."""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

RT_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_STRICT_BASE = "http://purl.oclc.org/ooxml/officeDocument/relationships/"

WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "docm",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "dotm",
}
MACRO_KINDS = {"docm", "dotm"}


def w(local: str) -> str:
    return f"{{{W_NS}}}{local}"


# WordprocessingML tags the walkers branch on.
P, R, T, TAB, BR, CR, PTAB = w("p"), w("r"), w("t"), w("tab"), w("br"), w("cr"), w("ptab")
TBL, TR, TC, TC_PR, TR_PR = w("tbl"), w("tr"), w("tc"), w("tcPr"), w("trPr")
GRID_SPAN, V_MERGE = w("gridSpan"), w("vMerge")
GRID_BEFORE, GRID_AFTER = w("gridBefore"), w("gridAfter")
P_PR, R_PR, P_STYLE = w("pPr"), w("rPr"), w("pStyle")
NUM_PR, ILVL, NUM_ID = w("numPr"), w("ilvl"), w("numId")
SDT, SDT_CONTENT, CUSTOM_XML, SMART_TAG = w("sdt"), w("sdtContent"), w("customXml"), w("smartTag")
HYPERLINK, FLD_SIMPLE = w("hyperlink"), w("fldSimple")
FLD_CHAR, INSTR_TEXT = w("fldChar"), w("instrText")
INS, DEL, MOVE_FROM, MOVE_TO = w("ins"), w("del"), w("moveFrom"), w("moveTo")
TXBX_CONTENT, ALT_CHUNK = w("txbxContent"), w("altChunk")
NO_BREAK_HYPHEN, SYM = w("noBreakHyphen"), w("sym")
BODY, VAL, FLD_CHAR_TYPE, CHAR = w("body"), w("val"), w("fldCharType"), w("char")
ALTERNATE_CONTENT = f"{{{MC_NS}}}AlternateContent"
MC_CHOICE, MC_FALLBACK = f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback"
MATH_T = f"{{{M_NS}}}t"
