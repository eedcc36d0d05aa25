"""REFI-QDA exchange files: the codebook (.qdc) and the whole coded project (.qdpx).

REFI-QDA is the exchange standard that ATLAS.ti, NVivo, MAXQDA, QDA Miner and others read
(https://www.qdasoftware.org). A codebook is one XML document in the namespace
`urn:QDA-XML:codebook:1.0`; a project is a zip holding `project.qde` (namespace
`urn:QDA-XML:project:1.0`) and the plain-text sources it points to as
`internal://<guid>.txt`, stored under `sources/`. Selections are character positions in those
UTF-8 texts (Python string indices: code points).

This module takes plain data and writes the files; `tandem.coding.exports` gathers the data.
GUIDs are UUID version 5 of the database ids, so exporting twice gives the same GUIDs and a
re-import updates rather than duplicates.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
ORIGIN = "Tandem"
# Fixed for all Tandem installations: GUIDs differ between programmes through the ids hashed in.
TANDEM_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tandem.invalid/refi-qda")


def stable_guid(*parts: object) -> str:
    """The same GUID for the same thing every time it is exported."""
    return str(uuid.uuid5(TANDEM_GUID_NAMESPACE, "/".join(str(part) for part in parts)))


def xml_datetime(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RefiCode:
    guid: str
    name: str
    description: str = ""
    colour: str = ""
    children: tuple[RefiCode, ...] = ()


@dataclass(frozen=True)
class RefiCoding:
    guid: str
    code_guid: str
    creating_user: str = ""
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class RefiSelection:
    guid: str
    name: str
    start: int
    end: int
    codings: tuple[RefiCoding, ...]
    creating_user: str = ""
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class RefiSource:
    guid: str
    name: str
    text: str
    description: str = ""
    selections: tuple[RefiSelection, ...] = ()

    @property
    def path(self) -> str:
        return f"internal://{self.guid}.txt"

    @property
    def file_name(self) -> str:
        return f"sources/{self.guid}.txt"


@dataclass(frozen=True)
class RefiUser:
    guid: str
    name: str


@dataclass(frozen=True)
class RefiProject:
    name: str
    created_at: dt.datetime
    codes: tuple[RefiCode, ...]
    sources: tuple[RefiSource, ...] = ()
    users: tuple[RefiUser, ...] = ()
    creating_user: str = ""
    description: str = ""


def _code_element(parent: ET.Element, code: RefiCode, namespace: str) -> None:
    attributes = {"guid": code.guid, "name": code.name, "isCodable": "true"}
    if code.colour:
        attributes["color"] = code.colour
    element = ET.SubElement(parent, f"{{{namespace}}}Code", attributes)
    if code.description:
        ET.SubElement(element, f"{{{namespace}}}Description").text = code.description
    for child in code.children:
        _code_element(element, child, namespace)


def _codes_element(parent: ET.Element, codes: Sequence[RefiCode], namespace: str) -> None:
    container = ET.SubElement(parent, f"{{{namespace}}}Codes")
    for code in codes:
        _code_element(container, code, namespace)


def _serialise(root: ET.Element, namespace: str) -> bytes:
    ET.register_namespace("", namespace)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def codebook_xml(codes: Sequence[RefiCode]) -> bytes:
    """A REFI-QDA codebook (.qdc)."""
    ns = CODEBOOK_NAMESPACE
    root = ET.Element(f"{{{ns}}}CodeBook", {"origin": ORIGIN})
    _codes_element(root, codes, ns)
    return _serialise(root, ns)


def _stamp(attributes: dict[str, str], user: str, moment: dt.datetime | None) -> dict[str, str]:
    if user:
        attributes["creatingUser"] = user
    if moment is not None:
        attributes["creationDateTime"] = xml_datetime(moment)
    return attributes


def project_xml(project: RefiProject) -> bytes:
    """A REFI-QDA project document (project.qde), in the schema's element order."""
    ns = PROJECT_NAMESPACE
    attributes = {
        "name": project.name,
        "origin": ORIGIN,
        "creationDateTime": xml_datetime(project.created_at),
    }
    if project.creating_user:
        attributes["creatingUserGUID"] = project.creating_user
    root = ET.Element(f"{{{ns}}}Project", attributes)
    users = ET.SubElement(root, f"{{{ns}}}Users")
    for user in project.users:
        ET.SubElement(users, f"{{{ns}}}User", {"guid": user.guid, "name": user.name})
    codebook = ET.SubElement(root, f"{{{ns}}}CodeBook")
    _codes_element(codebook, project.codes, ns)
    sources = ET.SubElement(root, f"{{{ns}}}Sources")
    for source in project.sources:
        element = ET.SubElement(
            sources,
            f"{{{ns}}}TextSource",
            {"guid": source.guid, "name": source.name, "plainTextPath": source.path},
        )
        if source.description:
            ET.SubElement(element, f"{{{ns}}}Description").text = source.description
        for selection in source.selections:
            selected = ET.SubElement(
                element,
                f"{{{ns}}}PlainTextSelection",
                _stamp(
                    {
                        "guid": selection.guid,
                        "name": selection.name,
                        "startPosition": str(selection.start),
                        "endPosition": str(selection.end),
                    },
                    selection.creating_user,
                    selection.created_at,
                ),
            )
            for coding in selection.codings:
                coded = ET.SubElement(
                    selected,
                    f"{{{ns}}}Coding",
                    _stamp({"guid": coding.guid}, coding.creating_user, coding.created_at),
                )
                ET.SubElement(coded, f"{{{ns}}}CodeRef", {"targetGUID": coding.code_guid})
    if project.description:
        ET.SubElement(root, f"{{{ns}}}Description").text = project.description
    return _serialise(root, ns)


def project_qdpx(project: RefiProject) -> bytes:
    """A REFI-QDA project file (.qdpx): a zip of project.qde and sources/<guid>.txt."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(project))
        for source in project.sources:
            archive.writestr(source.file_name, source.text.encode("utf-8"))
    return buffer.getvalue()
