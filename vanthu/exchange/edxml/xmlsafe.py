"""Hardened XML parsing of a packet, with the recoveries of the published defects.

Order of checks: size; bytes before the XML declaration (recovered when they are a few
printable characters right before ``<?xml``, refused otherwise); UTF-8 only; no DTD, entity or
external reference (defusedxml's expat gate on the prolog, and a prolog scan of our own); then
lxml with entities, network, DTD loading, comments and processing instructions off. A packet that
is well-formed except for prefixes used without a declaration is parsed again with the
declaration added on the root when every such prefix is well known (``edXML``, ``xlink``,
``ds``, ``xsi``) and bound nowhere else to another namespace; any other error is refused.
"""

from __future__ import annotations

import io
import re
import threading
import xml.etree.ElementTree as StdElementTree
from collections.abc import Callable

import defusedxml
import defusedxml.ElementTree as DefusedElementTree
from lxml import etree

from .errors import EdxmlError, ErrorCode, Recovery, RecoveryCode
from .limits import Limits

__all__ = ["DSIG_NS", "EDXML_NS", "XLINK_NS", "element_path", "isolated", "parse_xml"]

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# Prefixes whose meaning is not in doubt when a sender forgets to declare them.
WELL_KNOWN_PREFIXES = {"edXML": EDXML_NS, "xlink": XLINK_NS, "ds": DSIG_NS, "xsi": XSI_NS}

_UTF8_BOM = b"\xef\xbb\xbf"
# UTF-16/32 byte order marks, and UTF-16 without one ("<" next to a NUL byte).
_WIDE_STARTS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"<\x00", b"\x00<")
_WHITESPACE = b" \t\r\n"
_ENCODING_DECL = re.compile(rb"""^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")
_UTF8_NAMES = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
_ROOT_NAME = re.compile(rb"<([^\s/>]+)")
_UNDEFINED_PREFIX = re.compile(r"^Namespace prefix (\S+) (?:for \S+ )?on \S+ is not defined")


def _parser() -> etree.XMLParser:
    # huge_tree lifts libxml2's 10 MB cap on one text node (a base64 attachment); depth and
    # element counts are checked after parsing, and no DTD ever reaches this parser.
    return etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _strip_stray_bytes(data: bytes, limits: Limits, recoveries: list[Recovery]) -> bytes:
    if data.startswith(_WIDE_STARTS):
        raise EdxmlError(ErrorCode.ENCODING_UNSUPPORTED, detail="UTF-16/UTF-32")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    first = data.find(b"<")
    if first < 0:
        raise EdxmlError(ErrorCode.MALFORMED_XML, detail="không có phần tử XML nào")
    head = data[:first]
    if not head:
        return data
    declaration_follows = data.startswith(b"<?xml", first)
    if not head.strip(_WHITESPACE) and not declaration_follows:
        return data  # whitespace before the root element is allowed
    # A few printable characters, none of them markup (``&`` would start an entity).
    printable = b"&" not in head and b">" not in head
    printable = printable and all(0x20 <= byte < 0x7F or byte in _WHITESPACE for byte in head)
    if declaration_follows and len(head) <= limits.max_stray_bytes and printable:
        # Published defect (edoc_new.edxml: "1212" before the declaration). The declaration
        # marks where the document starts; what precedes it belongs to no document.
        recoveries.append(
            Recovery(
                RecoveryCode.STRAY_BYTES_REMOVED,
                detail=str(len(head)) + " byte: " + head.decode("ascii").strip(),
                location="trước khai báo XML",
            )
        )
        return data[first:]
    raise EdxmlError(
        ErrorCode.STRAY_BYTES,
        location="đầu gói tin",
        detail=str(len(head)) + " byte trước ký tự '<' đầu tiên",
    )


def _check_encoding(data: bytes) -> None:
    match = _ENCODING_DECL.match(data[:512])
    if match and match.group(1).lower() not in _UTF8_NAMES:
        raise EdxmlError(
            ErrorCode.ENCODING_UNSUPPORTED, detail=match.group(1).decode("ascii", "replace")
        )


def _root_start(data: bytes) -> int:
    """Return the offset of the root element's ``<``, refusing a DTD in the prolog."""
    pos = 0
    if data.startswith(b"<?xml") and data[5:6] in (b" ", b"\t", b"\r", b"\n", b"?"):
        end = data.find(b"?>", 5)
        if end < 0:
            raise EdxmlError(ErrorCode.MALFORMED_XML, detail="khai báo XML không đóng")
        pos = end + 2
    size = len(data)
    while True:
        while pos < size and data[pos] in _WHITESPACE:
            pos += 1
        if data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
            if end < 0:
                raise EdxmlError(ErrorCode.MALFORMED_XML, detail="chú thích không đóng")
            pos = end + 3
        elif data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
            if end < 0:
                raise EdxmlError(ErrorCode.MALFORMED_XML, detail="chỉ thị xử lý không đóng")
            pos = end + 2
        elif data.startswith(b"<!", pos):
            raise EdxmlError(ErrorCode.DTD_FORBIDDEN, location="phần mở đầu")
        elif data.startswith(b"<", pos):
            return pos
        else:
            raise EdxmlError(ErrorCode.MALFORMED_XML, detail="không tìm thấy phần tử gốc")


def _defused_gate(data: bytes) -> None:
    """Let defusedxml (expat) refuse any DTD, entity or external reference before the root."""
    events = DefusedElementTree.iterparse(
        io.BytesIO(data),
        events=("start",),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        for _event in events:
            break  # the root has started: the prolog held no DTD
    except (
        defusedxml.DTDForbidden,
        defusedxml.EntitiesForbidden,
        defusedxml.ExternalReferenceForbidden,
        defusedxml.NotSupportedError,
    ) as exc:
        raise EdxmlError(ErrorCode.DTD_FORBIDDEN, detail=type(exc).__name__) from exc
    except StdElementTree.ParseError:
        pass  # syntax is for lxml to judge, with line numbers and recoveries


def _parse(data: bytes) -> tuple[etree._Element | None, list[etree._LogEntry]]:
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        errors = [entry for entry in parser.error_log if entry.level >= etree.ErrorLevels.ERROR]
        return None, errors
    return root, []


def _malformed(errors: list[etree._LogEntry]) -> EdxmlError:
    if not errors:
        return EdxmlError(ErrorCode.MALFORMED_XML)
    first = errors[0]
    return EdxmlError(ErrorCode.MALFORMED_XML, line=first.line, detail=first.message)


def _declare_prefixes(
    data: bytes, errors: list[etree._LogEntry], recoveries: list[Recovery]
) -> etree._Element:
    first_line: dict[str, int] = {}
    for entry in errors:
        match = _UNDEFINED_PREFIX.match(entry.message or "")
        if match is None:
            raise _malformed(errors)
        prefix = match.group(1)
        if prefix not in WELL_KNOWN_PREFIXES:
            raise EdxmlError(ErrorCode.UNDECLARED_PREFIX, line=entry.line, detail=prefix)
        first_line.setdefault(prefix, entry.line)
    start = _root_start(data)
    name = _ROOT_NAME.match(data, start)
    if name is None:
        raise _malformed(errors)
    declarations = b"".join(
        b" xmlns:" + prefix.encode() + b'="' + WELL_KNOWN_PREFIXES[prefix].encode() + b'"'
        for prefix in first_line
    )
    repaired = data[: name.end()] + declarations + data[name.end() :]
    root, again = _parse(repaired)
    if root is None:
        raise _malformed(again)
    for element in root.iter():
        for prefix, uri in element.nsmap.items():
            if prefix in first_line and uri != WELL_KNOWN_PREFIXES[prefix]:
                # The sender binds this prefix to something else elsewhere: which did it mean?
                raise EdxmlError(
                    ErrorCode.UNDECLARED_PREFIX,
                    line=element.sourceline,
                    detail=prefix + " được khai báo với không gian tên khác",
                )
    for prefix, line in first_line.items():
        recoveries.append(
            Recovery(
                RecoveryCode.UNDECLARED_PREFIX,
                detail=prefix + "=" + WELL_KNOWN_PREFIXES[prefix],
                location="dòng " + str(line),
            )
        )
    return root


def _check_shape(root: etree._Element, limits: Limits) -> None:
    count = 0
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        count += 1
        depth += 1
        if count > limits.max_elements:
            raise EdxmlError(ErrorCode.TOO_MANY_ELEMENTS, line=element.sourceline)
        if depth > limits.max_depth:
            raise EdxmlError(ErrorCode.TOO_DEEP, line=element.sourceline)


def parse_xml(raw: bytes, limits: Limits) -> tuple[etree._Element, list[Recovery]]:
    """Parse ``raw`` safely; return the root element and the recoveries applied."""
    if len(raw) > limits.max_packet_bytes:
        raise EdxmlError(
            ErrorCode.PACKET_TOO_LARGE,
            detail=str(len(raw)) + " > " + str(limits.max_packet_bytes) + " byte",
        )
    if not raw.strip(_WHITESPACE):
        raise EdxmlError(ErrorCode.EMPTY_PACKET)
    recoveries: list[Recovery] = []
    data = _strip_stray_bytes(raw, limits, recoveries)
    _check_encoding(data)
    _root_start(data)
    _defused_gate(data)
    root, errors = _parse(data)
    if root is None:
        undefined = [e for e in errors if e.type == etree.ErrorTypes.NS_ERR_UNDEFINED_NAMESPACE]
        if not errors or len(undefined) != len(errors):
            raise _malformed(errors)
        root = _declare_prefixes(data, errors, recoveries)
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise EdxmlError(ErrorCode.DTD_FORBIDDEN)
    _check_shape(root, limits)
    return root, recoveries


def element_path(element: etree._Element) -> str:
    """Return ``/edXML/edXMLEnvelope/...`` for ``element``, with ``[n]`` among same-named."""
    parts: list[str] = []
    current: etree._Element | None = element
    while current is not None:
        name = etree.QName(current).localname
        # Filtered sibling iteration runs in C: cheap even among thousands of siblings.
        before = sum(1 for _ in current.itersiblings(current.tag, preceding=True))
        if before or next(current.itersiblings(current.tag), None) is not None:
            name += "[" + str(before + 1) + "]"
        parts.append(name)
        current = current.getparent()
    return "/" + "/".join(reversed(parts))


def isolated[**P, R](function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run ``function`` in a thread of its own and return its result (or raise its error).

    libxml2, through lxml, interns every element and attribute name it parses in a dictionary
    that lives as long as the parsing thread: a worker reading packets full of made-up names
    would grow without bound. Each packet is parsed, walked and checked in a short-lived
    thread, and nothing of lxml leaves it, so its names go when it ends.
    """
    outcome: list[R] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(function(*args, **kwargs))
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=target, name="edxml", daemon=True)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]
