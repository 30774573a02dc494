"""The Arrow IPC reader against streams written by Arrow Java (see TestPythonUnitTests.java, which
writes them at test time into $S3DLIO_ARROW_GOLDEN with their values in JSON)."""

import json
import os
import unittest

import numpy as np

from s3dlio_bridge import arrow_ipc
from s3dlio_bridge.arrow_ipc import ArrowFormatError

GOLDEN = os.environ.get("S3DLIO_ARROW_GOLDEN")


def _load(name):
    with open(os.path.join(GOLDEN, name + ".arrows"), "rb") as f:
        data = f.read()
    expected = None
    if os.path.exists(os.path.join(GOLDEN, name + ".json")):
        with open(os.path.join(GOLDEN, name + ".json")) as f:
            expected = json.load(f)
    return data, expected


@unittest.skipUnless(GOLDEN, "needs the golden streams the JUnit test TestPythonUnitTests writes")
class ArrowJavaGolden(unittest.TestCase):
    def test_arrow_java_types(self):
        data, expected = _load("types")
        schema, batches = arrow_ipc.read_stream(data)
        self.assertEqual(schema.names, list(expected["batches"][0].keys()))
        kinds = {c.name: (c.kind, c.dtype) for c in schema.columns}
        self.assertEqual(kinds["u64"], ("number", np.dtype("<u8")))
        self.assertEqual(kinds["f16"], ("number", np.dtype("<f2")))
        self.assertEqual(kinds["tensor"], ("tensor", np.dtype("<f4")))
        self.assertEqual(kinds["fsl"], ("fixed_size_list", np.dtype("<i2")))
        self.assertEqual(len(batches), len(expected["batches"]))
        for (values, valid), want in zip(batches, expected["batches"]):
            for name, col in want.items():
                got = values[name]
                mask = valid.get(name)
                nulls = [v is None for v in col]
                if any(nulls):
                    self.assertIsNotNone(mask, name)
                    self.assertEqual(list(~mask), nulls, name)
                else:
                    self.assertNotIn(name, valid)
                for i, v in enumerate(col):
                    if v is None:
                        continue
                    if name == "bin":
                        self.assertEqual(got[i].hex(), v, name)
                    elif name == "utf8":
                        self.assertEqual(got[i], v, name)
                    elif name == "date":
                        self.assertEqual(got[i], np.datetime64(v, "D"), name)
                    elif name == "datems":
                        self.assertEqual(got[i], np.datetime64(v, "ms"), name)
                    elif name == "ts":
                        self.assertEqual(got[i], np.datetime64(v, "us"), name)
                    elif name == "tsns":
                        self.assertEqual(got[i], np.datetime64(v, "ns"), name)
                    elif name in ("tensor", "fsl"):
                        self.assertEqual(got[i].tolist(), v, name)
                    else:
                        self.assertEqual(got[i].item(), v, "%s row %d" % (name, i))
            self.assertEqual(values["tensor"].shape, (len(want["i8"]), 2, 3))

    def test_values_are_views_of_the_buffer(self):
        data, _ = _load("types")
        buf = np.frombuffer(bytearray(data), dtype=np.uint8)
        _, batches = arrow_ipc.read_stream(buf)
        values, _ = batches[0]
        for name in ("i64", "f32", "tensor"):
            self.assertTrue(np.shares_memory(values[name], buf), name)
            self.assertTrue(values[name].flags.writeable, name)

    def test_bridge_encoder(self):
        data, expected = _load("bridge")
        schema, batches = arrow_ipc.read_stream(data)
        self.assertEqual(repr(schema.columns[2]), "img: tensor<float32>[2, 2]")
        (values, valid), = batches
        self.assertEqual(values["id"].tolist(), expected["id"])
        self.assertEqual(values["id"].dtype, np.dtype("<i8"))
        self.assertEqual([None if not ok else s for s, ok in zip(values["name"].to_pylist(), valid["name"])],
                         expected["name"])
        self.assertEqual(values["img"].tolist(), expected["img"])

    def test_record_batch_reader_reuses_the_layout_not_the_values(self):
        data, expected = _load("bridge")
        schema = arrow_ipc.read_schema(data)
        start = arrow_ipc.read_message(data, 0).end
        message = data[start:arrow_ipc.read_message(data, start).end]
        first = np.frombuffer(message, dtype=np.uint8).copy()
        second = first.copy()
        values, _ = arrow_ipc.decode_record_batch(schema, second, arrow_ipc.read_message(second, 0))
        values["id"][:] += 1  # views: the second message's body now holds other values, same metadata
        values["img"][:] *= 2
        reader = arrow_ipc.RecordBatchReader(schema)
        self.assertIsNone(reader.read(np.frombuffer(data, dtype=np.uint8), 0))  # the schema message
        for buf, offset, bump, scale in ((first, 0, 0, 1), (second, 0, 1, 2), (first, 0, 0, 1),
                                         (np.concatenate([np.zeros(8, np.uint8), second]), 8, 1, 2)):
            values, valid = reader.read(buf, offset)
            self.assertEqual(values["id"].tolist(), [i + bump for i in expected["id"]])
            self.assertEqual(values["img"].tolist(), (np.array(expected["img"]) * scale).tolist())
            self.assertEqual([None if not ok else s for s, ok in zip(values["name"].to_pylist(), valid["name"])],
                             expected["name"])
            self.assertTrue(np.shares_memory(values["id"], buf))

    def test_unsupported_type_is_named(self):
        data, _ = _load("unsupported")
        with self.assertRaises(ArrowFormatError) as cm:
            arrow_ipc.read_stream(data)
        self.assertEqual(str(cm.exception), "field 'ragged' has Arrow type List: not supported by this reader")

    def test_truncated_body_is_reported(self):
        data, _ = _load("types")
        first = arrow_ipc.read_message(data, 0)
        second = arrow_ipc.read_message(data, first.end)
        cut = data[:second.end - 9]
        with self.assertRaises(ArrowFormatError) as cm:
            arrow_ipc.read_message(cut, first.end)
        self.assertIn("Arrow message at offset %d: body of %d bytes runs past the end" % (first.end, second.body_length),
                      str(cm.exception))

    def test_buffer_past_the_body_is_reported(self):
        data, _ = _load("bridge")
        schema = arrow_ipc.read_schema(data)
        m = arrow_ipc.read_message(data, arrow_ipc.read_message(data, 0).end)
        m.body_length = 8  # as if the body were shorter than its buffers
        with self.assertRaises(ArrowFormatError) as cm:
            arrow_ipc.decode_record_batch(schema, np.frombuffer(data, dtype=np.uint8), m)
        self.assertRegex(str(cm.exception), r"buffer \d+ of column 'id' \(offset \d+, \d+ bytes\) runs past the body")


class MessageFraming(unittest.TestCase):
    def test_end_of_stream_marker(self):
        self.assertIsNone(arrow_ipc.read_message(b"\xff\xff\xff\xff\x00\x00\x00\x00"))

    def test_cut_prefix(self):
        with self.assertRaises(ArrowFormatError) as cm:
            arrow_ipc.read_message(b"\xff\xff\xff\xff\x40\x00\x00\x00" + b"\x00" * 10)
        self.assertEqual(str(cm.exception), "Arrow message at offset 0 announces 64 metadata bytes, 10 are left")


if __name__ == "__main__":
    unittest.main()
