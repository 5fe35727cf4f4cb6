"""Readers for the VTK XML files stroma writes (fields/fields_<time>.vti, cells/cells_<time>.vtp), in numpy only.

stroma writes raw appended data (``<AppendedData encoding="raw">``, ``header_type="UInt64"``); the reader also takes
base64 appended or inline data, zlib-compressed blocks (``compressor="vtkZLibDataCompressor"``) and ASCII arrays, so
files re-saved by ParaView load too.
"""
import base64
import xml.etree.ElementTree as ET
import zlib

import numpy as np

_TYPES = {
    "Int8": "i1", "UInt8": "u1", "Int16": "i2", "UInt16": "u2", "Int32": "i4", "UInt32": "u4",
    "Int64": "i8", "UInt64": "u8", "Float32": "f4", "Float64": "f8",
}


class VTKFile:
    """One VTK XML file: ``root`` (the XML element tree, without the appended data) and ``array(element)``."""

    def __init__(self, path):
        self.path = str(path)
        with open(self.path, "rb") as f:
            data = f.read()
        start = data.find(b"<AppendedData")
        self._appended = None
        if start >= 0:
            head_end = data.find(b">", start)
            tag = data[start:head_end + 1].decode("ascii", "replace")
            self._encoding = "base64" if 'encoding="base64"' in tag else "raw"
            under = data.find(b"_", head_end)
            if head_end < 0 or under < 0:
                raise ValueError(f"{self.path}: malformed AppendedData")
            self._appended = data[under + 1:]
            xml = data[:start] + b"</VTKFile>"
        else:
            xml = data
        try:
            self.root = ET.fromstring(xml)
        except ET.ParseError as e:
            raise ValueError(f"{self.path}: not a VTK XML file ({e})") from None
        if self.root.tag != "VTKFile":
            raise ValueError(f"{self.path}: not a VTK XML file (root element {self.root.tag})")
        order = ">" if self.root.get("byte_order") == "BigEndian" else "<"
        self._order = order
        self._header = np.dtype(order + _TYPES[self.root.get("header_type", "UInt32")])
        self._compressed = self.root.get("compressor") is not None
        if self._compressed and self.root.get("compressor") != "vtkZLibDataCompressor":
            raise ValueError(f"{self.path}: compressor {self.root.get('compressor')} is not supported")

    def array(self, el):
        """The values of a <DataArray> element as a numpy array: shape (n,) or (n, components); a String array
        as a list of str."""
        vtype = el.get("type")
        ncomp = int(el.get("NumberOfComponents", "1"))
        fmt = el.get("format", "ascii")
        if vtype == "String":  # each string's bytes, ended by 0 (ASCII: as integers; else as UInt8 data)
            if fmt == "ascii":
                codes = [int(v) for v in (el.text or "").split()]
            else:
                codes = self._values(el, fmt, np.dtype("u1")).tolist()
            out, cur = [], bytearray()
            for c in codes:
                if c == 0:
                    out.append(cur.decode("utf-8", "replace"))
                    cur = bytearray()
                else:
                    cur.append(c)
            if cur:
                out.append(cur.decode("utf-8", "replace"))
            return out
        if vtype not in _TYPES:
            raise ValueError(f"{self.path}: array {el.get('Name')} has type {vtype}, not supported")
        dtype = np.dtype(self._order + _TYPES[vtype])
        values = self._values(el, fmt, dtype).astype(dtype.newbyteorder("="), copy=False)
        return values.reshape(-1, ncomp) if ncomp != 1 else values

    def _values(self, el, fmt, dtype):
        """The flat values of a DataArray element in its format."""
        if fmt == "ascii":
            values = np.array((el.text or "").split(), dtype=dtype.newbyteorder("="))
        elif fmt == "appended":
            if self._appended is None:
                raise ValueError(f"{self.path}: array {el.get('Name')} refers to missing AppendedData")
            offset = int(el.get("offset", "0"))
            if self._encoding == "raw":
                values = self._block(self._appended, offset, dtype, raw=True)
            else:
                values = self._block(self._appended[offset:], 0, dtype, raw=False)
        elif fmt == "binary":
            values = self._block((el.text or "").strip().encode("ascii"), 0, dtype, raw=False)
        else:
            raise ValueError(f"{self.path}: array {el.get('Name')} has format {fmt}, not supported")
        return values

    def _block(self, buf, offset, dtype, raw):
        """Decode one data block starting at buf[offset:]: raw bytes, or base64 text (offset in characters). An
        uncompressed block is a header (its byte count) then the values, encoded together; a compressed one is a
        header [blocks, block size, last block size, compressed size of each block] then the zlib blocks, each
        part encoded on its own."""
        h = self._header
        k = h.itemsize
        if not self._compressed:
            if raw:
                nbytes = int(np.frombuffer(buf[offset:offset + k], h)[0])
                payload = buf[offset + k:offset + k + nbytes]
            else:
                nbytes = int(np.frombuffer(_b64(buf[offset:offset + _b64_len(k)])[:k], h)[0])
                payload = _b64(buf[offset:offset + _b64_len(k + nbytes)])[k:k + nbytes]
            if len(payload) != nbytes:
                raise ValueError(f"{self.path}: truncated data block")
            return np.frombuffer(payload, dtype)
        if raw:
            nblocks = int(np.frombuffer(buf[offset:offset + k], h)[0])
            header = np.frombuffer(buf[offset:offset + k * (3 + nblocks)], h)
            body, pos = buf, offset + k * (3 + nblocks)
        else:
            nblocks = int(np.frombuffer(_b64(buf[offset:offset + _b64_len(k)])[:k], h)[0])
            hlen = _b64_len(k * (3 + nblocks))
            header = np.frombuffer(_b64(buf[offset:offset + hlen])[:k * (3 + nblocks)], h)
            total = int(sum(int(x) for x in header[3:]))
            body, pos = _b64(buf[offset + hlen:offset + hlen + _b64_len(total)]), 0
        blocks = []
        for size in header[3:]:
            blocks.append(zlib.decompress(body[pos:pos + int(size)]))
            pos += int(size)
        return np.frombuffer(b"".join(blocks), dtype)


def _b64_len(n):
    return 4 * ((n + 2) // 3)


def _b64(b):
    return base64.b64decode(bytes(b).strip())


def read_vti(path):
    """A stroma .vti field file: (arrays, info) with arrays {name: values of shape (nx, ny, nz), indexed [i, j, k]}
    and info {"origin", "spacing", "shape", "time"}."""
    f = VTKFile(path)
    img = f.root.find("ImageData")
    if img is None:
        raise ValueError(f"{path}: not an ImageData file")
    ext = [int(v) for v in img.get("WholeExtent").split()]
    shape = (ext[1] - ext[0], ext[3] - ext[2], ext[5] - ext[4])
    origin = np.array([float(v) for v in img.get("Origin", "0 0 0").split()])
    spacing = np.array([float(v) for v in img.get("Spacing", "1 1 1").split()])
    arrays = {}
    cell_data = img.find("Piece/CellData")
    for el in cell_data.findall("DataArray") if cell_data is not None else []:
        v = f.array(el)
        # VTK orders cells x fastest, then y, then z
        arrays[el.get("Name")] = v.reshape(shape[2], shape[1], shape[0]).transpose(2, 1, 0)
    return arrays, {"origin": origin, "spacing": spacing, "shape": shape, "time": _time_value(f, img)}


def read_vtp(path):
    """A stroma .vtp cell file: (points (n, 3), point arrays {name: values}, field data {name: values})."""
    f = VTKFile(path)
    poly = f.root.find("PolyData")
    if poly is None:
        raise ValueError(f"{path}: not a PolyData file")
    piece = poly.find("Piece")
    n = int(piece.get("NumberOfPoints"))
    pts_el = piece.find("Points/DataArray")
    points = f.array(pts_el).reshape(n, 3) if pts_el is not None else np.zeros((n, 3))
    point_data = {}
    pd_el = piece.find("PointData")
    if pd_el is not None:
        for el in pd_el.findall("DataArray"):
            point_data[el.get("Name")] = f.array(el)
    field_data = {}
    fd = poly.find("FieldData")
    if fd is not None:
        for el in fd:  # DataArray, or Array (how VTK writes string arrays)
            if el.tag in ("DataArray", "Array"):
                field_data[el.get("Name")] = f.array(el)
    return points, point_data, field_data


def _time_value(f, el):
    fd = el.find("FieldData")
    if fd is not None:
        for a in fd.findall("DataArray") + fd.findall("Array"):
            if a.get("Name") == "TimeValue":
                return float(f.array(a)[0])
    return None
