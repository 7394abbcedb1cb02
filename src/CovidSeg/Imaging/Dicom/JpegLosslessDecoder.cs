namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Decodes one greyscale JPEG Lossless frame (ITU-T T.81 / ISO 10918-1 Annex H: process 14, Huffman coded, SOF3),
/// as DICOM stores it for transfer syntaxes 1.2.840.10008.1.2.4.57 and .70 (PS3.5 A.4.1). Every predictor 1-7,
/// precision 2-16 bits, a point transform, and restart intervals that start on a row are supported. Anything else
/// (several components, arithmetic coding, hierarchical or lossy processes, truncated or corrupt data) raises
/// <see cref="InvalidInputException"/>; a corrupt stream can never write past the frame.
/// </summary>
public static class JpegLosslessDecoder
{
    /// <summary>Decodes into <paramref name="output"/>: rows x columns samples, row by row, each the reconstructed value (up to 16 bits).</summary>
    public static void DecodeFrame(ReadOnlySpan<byte> data, int rows, int columns, Span<ushort> output, string path)
    {
        var reader = new MarkerReader(data, path);
        if (reader.NextMarker() != 0xD8) throw Fault(path, "no JPEG start-of-image marker (FFD8) at the start of the frame");
        var tables = new HuffmanTable?[4];
        int precision = 0, restartInterval = 0;
        while (true)
        {
            int marker = reader.NextMarker();
            switch (marker)
            {
                case 0xC3: // SOF3: lossless, Huffman, sequential
                {
                    var segment = reader.Segment();
                    if (segment.Length < 6) throw Fault(path, "JPEG frame header (SOF3) is too short");
                    precision = segment[0];
                    int height = segment[1] << 8 | segment[2], width = segment[3] << 8 | segment[4], components = segment[5];
                    if (components != 1) throw Fault(path, $"JPEG frame has {components} components; only greyscale (1) is read");
                    if (precision is < 2 or > 16) throw Fault(path, $"JPEG precision is {precision} bits; lossless JPEG allows 2 to 16");
                    if (height != rows || width != columns)
                        throw Fault(path, $"JPEG frame is {width} x {height} but the DICOM header says {columns} x {rows}");
                    break;
                }
                case 0xC4:
                    ReadHuffmanTables(reader.Segment(), tables, path);
                    break;
                case 0xDD:
                {
                    var segment = reader.Segment();
                    if (segment.Length < 2) throw Fault(path, "JPEG restart interval segment (DRI) is too short");
                    restartInterval = segment[0] << 8 | segment[1];
                    break;
                }
                case 0xDA: // SOS: the scan follows
                {
                    if (precision == 0) throw Fault(path, "JPEG scan before its lossless frame header (SOF3)");
                    var segment = reader.Segment();
                    if (segment.Length < 6 || segment[0] != 1) throw Fault(path, "JPEG scan header must name exactly one component");
                    int tableIndex = segment[2] >> 4;
                    int predictor = segment[3], pointTransform = segment[5] & 0x0F;
                    if (tableIndex > 3 || tables[tableIndex] is not { } table) throw Fault(path, $"JPEG scan uses Huffman table {tableIndex}, which is not defined");
                    if (predictor is < 1 or > 7) throw Fault(path, $"JPEG lossless predictor is {predictor}; it must be 1..7");
                    if (pointTransform >= precision) throw Fault(path, $"JPEG point transform {pointTransform} is not below the precision {precision}");
                    if (restartInterval > 0 && restartInterval % columns != 0)
                        throw Fault(path, $"JPEG restart interval of {restartInterval} samples does not start on a row of {columns}");
                    DecodeScan(reader, table, rows, columns, precision, predictor, pointTransform, restartInterval / columns, output, path);
                    return;
                }
                case 0xC0 or 0xC1 or 0xC2 or 0xC5 or 0xC6 or 0xC7 or 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                    throw Fault(path, $"JPEG frame type SOF{marker - 0xC0} is not lossless Huffman (SOF3)");
                case 0xD9:
                    throw Fault(path, "JPEG data end (EOI) before any scan");
                default:
                    reader.Segment(); // APPn, COM, DQT, DNL...: not needed
                    break;
            }
        }
    }

    private static void DecodeScan(MarkerReader reader, HuffmanTable table, int rows, int columns, int precision, int predictor, int pointTransform,
        int restartRows, Span<ushort> output, string path)
    {
        var bits = new BitReader(reader.Remaining, path);
        int initial = 1 << (precision - pointTransform - 1);
        var line = new int[columns];
        var previous = new int[columns];
        bool firstRowOfInterval = true;
        for (int y = 0; y < rows; y++)
        {
            if (restartRows > 0 && y > 0 && y % restartRows == 0)
            {
                bits.Restart();
                firstRowOfInterval = true;
            }
            for (int x = 0; x < columns; x++)
            {
                int prediction;
                if (firstRowOfInterval) prediction = x == 0 ? initial : line[x - 1];
                else if (x == 0) prediction = previous[0];
                else
                {
                    int a = line[x - 1], b = previous[x], c = previous[x - 1];
                    prediction = predictor switch
                    {
                        1 => a,
                        2 => b,
                        3 => c,
                        4 => a + b - c,
                        5 => a + ((b - c) >> 1),
                        6 => b + ((a - c) >> 1),
                        _ => (a + b) >> 1,
                    };
                }
                int category = table.Decode(ref bits);
                int difference = category switch
                {
                    0 => 0,
                    16 => 32768, // T.81 H.1.2.2: no extra bits follow
                    > 16 => throw Fault(path, $"JPEG difference category {category} is above 16"),
                    _ => Extend(bits.Read(category), category),
                };
                line[x] = (prediction + difference) & 0xFFFF; // modulo 2^16 (T.81 H.2.1)
            }
            for (int x = 0; x < columns; x++) output[y * columns + x] = (ushort)(line[x] << pointTransform);
            (line, previous) = (previous, line);
            firstRowOfInterval = false;
        }
    }

    /// <summary>T.81 F.2.2.1 EXTEND: the category's bits as a signed difference.</summary>
    private static int Extend(int value, int category) => value < 1 << (category - 1) ? value - (1 << category) + 1 : value;

    private static void ReadHuffmanTables(ReadOnlySpan<byte> segment, HuffmanTable?[] tables, string path)
    {
        int at = 0;
        while (at < segment.Length)
        {
            if (segment.Length - at < 17) throw Fault(path, "JPEG Huffman table segment (DHT) is truncated");
            int kind = segment[at] >> 4, index = segment[at] & 0x0F;
            if (index > 3) throw Fault(path, $"JPEG Huffman table index {index} is above 3");
            var counts = segment.Slice(at + 1, 16).ToArray();
            int total = counts.Sum(c => c);
            if (segment.Length - at - 17 < total) throw Fault(path, "JPEG Huffman table segment (DHT) is truncated");
            var symbols = segment.Slice(at + 17, total).ToArray();
            if (kind == 0) tables[index] = new HuffmanTable(counts, symbols, path); // lossless uses DC-class tables
            at += 17 + total;
        }
    }

    private static InvalidInputException Fault(string path, string message) => new(path, message);

    /// <summary>Canonical Huffman decoding (T.81 Annex C and F.2.2.3): codes of each length are consecutive.</summary>
    private sealed class HuffmanTable
    {
        private readonly int[] maxCode = new int[17];
        private readonly int[] valueOffset = new int[17];
        private readonly byte[] symbols;
        private readonly string path;

        public HuffmanTable(byte[] counts, byte[] symbols, string path)
        {
            this.symbols = symbols;
            this.path = path;
            int code = 0, k = 0;
            for (int length = 1; length <= 16; length++)
            {
                valueOffset[length] = k - code;
                code += counts[length - 1];
                k += counts[length - 1];
                maxCode[length] = counts[length - 1] > 0 ? code - 1 : -1;
                code <<= 1;
            }
        }

        public int Decode(ref BitReader bits)
        {
            int code = 0;
            for (int length = 1; length <= 16; length++)
            {
                code = code << 1 | bits.Read(1);
                if (code <= maxCode[length]) return this.symbols[code + valueOffset[length]];
            }
            throw Fault(this.path, "JPEG data hold a Huffman code that is not in the table (corrupt data)");
        }
    }

    /// <summary>Reads entropy-coded bits, most significant first, dropping the 00 stuffed after FF and stopping at markers.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data, string path)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;
        private int buffer;
        private int count;

        public int Read(int count)
        {
            int value = 0;
            for (int i = 0; i < count; i++)
            {
                if (this.count == 0) Fill();
                this.count--;
                value = value << 1 | (buffer >> this.count) & 1;
            }
            return value;
        }

        private void Fill()
        {
            if (position >= this.data.Length) throw Fault(path, "JPEG data end in the middle of the scan (truncated frame)");
            byte b = this.data[position++];
            if (b == 0xFF)
            {
                byte next = position < this.data.Length ? this.data[position] : (byte)0xD9;
                if (next != 0x00) throw Fault(path, $"JPEG marker FF{next:X2} in the middle of the scan (truncated or corrupt frame)");
                position++;
            }
            buffer = b;
            this.count = 8;
        }

        /// <summary>At a restart interval: drop the padding bits and skip the RSTn marker.</summary>
        public void Restart()
        {
            this.count = 0;
            while (position + 1 < this.data.Length && !(this.data[position] == 0xFF && this.data[position + 1] is >= 0xD0 and <= 0xD7)) position++;
            if (position + 1 >= this.data.Length) throw Fault(path, "JPEG restart marker (RSTn) missing");
            position += 2;
        }
    }

    /// <summary>Walks the marker segments before the scan.</summary>
    private ref struct MarkerReader(ReadOnlySpan<byte> data, string path)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly ReadOnlySpan<byte> Remaining => this.data[position..];

        public int NextMarker()
        {
            // Fill bytes (FF) may precede a marker (T.81 B.1.1.2).
            if (position >= this.data.Length || this.data[position] != 0xFF) throw Fault(path, $"JPEG marker expected at byte {position} of the frame");
            while (position < this.data.Length && this.data[position] == 0xFF) position++;
            if (position >= this.data.Length) throw Fault(path, "JPEG data end inside a marker");
            return this.data[position++];
        }

        public ReadOnlySpan<byte> Segment()
        {
            if (this.data.Length - position < 2) throw Fault(path, "JPEG marker segment is truncated");
            int length = this.data[position] << 8 | this.data[position + 1];
            if (length < 2 || length > this.data.Length - position) throw Fault(path, $"JPEG marker segment says {length} bytes, {this.data.Length - position} remain");
            var segment = this.data.Slice(position + 2, length - 2);
            position += length;
            return segment;
        }
    }
}
