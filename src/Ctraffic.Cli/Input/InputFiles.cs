using System.Globalization;
using System.Text;

namespace Ctraffic.Cli.Input;

/// <summary>
/// Reads the command's input files within stated limits: a file (or pipe) larger than its limit
/// is an error as soon as the limit is passed, never a read of the whole of it into memory.
/// </summary>
internal static class InputFiles
{
    /// <summary>Largest <c>-stat_file</c>: the <c>-stats all</c> output of about a million connection slots.</summary>
    public const int MaximumStatisticsBytes = 256 << 20;

    /// <summary>Most lines of a <c>-srcfile</c> (one address each; blank and # lines count too).</summary>
    public const int MaximumSourceLines = 1_000_000;

    /// <summary>Longest line of a <c>-srcfile</c>; an IPv6 address with a port takes under 50.</summary>
    public const int MaximumSourceLineLength = 256;

    /// <summary>
    /// The bytes of <paramref name="stream"/>, at most <paramref name="limit"/>; a UTF-8 byte order
    /// mark is left out. <paramref name="knownLength"/> (a regular file's size, else 0) is checked first.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is larger than <paramref name="limit"/>.</exception>
    public static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(Stream stream, long knownLength, int limit, CancellationToken cancellationToken)
    {
        if (knownLength > limit)
        {
            throw TooLarge(limit);
        }

        var buffer = new byte[knownLength > 0 ? knownLength + 1 : 64 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit)
                {
                    throw TooLarge(limit);
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit + 1L));
            }

            var n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            length += n;
        }

        if (length > limit)
        {
            throw TooLarge(limit);
        }

        var bom = Encoding.UTF8.Preamble;
        var start = buffer.AsSpan(0, length).StartsWith(bom) ? bom.Length : 0;
        return buffer.AsMemory(start, length - start);
    }

    /// <summary>
    /// The lines of <paramref name="reader"/>, each at most <see cref="MaximumSourceLineLength"/>
    /// characters and at most <see cref="MaximumSourceLines"/> of them, read a block at a time.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is too long, or there are too many.</exception>
    public static IEnumerable<string> ReadSourceLines(TextReader reader)
    {
        var block = new char[4096];
        var line = new StringBuilder();
        var number = 0;
        int n;
        while ((n = reader.Read(block, 0, block.Length)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                var c = block[i];
                if (c == '\n')
                {
                    number++;
                    CheckCount(number);
                    yield return line.ToString();
                    line.Clear();
                }
                else
                {
                    if (line.Length == MaximumSourceLineLength)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"line {number + 1} is longer than {MaximumSourceLineLength} characters"));
                    }

                    line.Append(c);
                }
            }
        }

        if (line.Length > 0)
        {
            CheckCount(number + 1);
            yield return line.ToString();
        }
    }

    private static void CheckCount(int number)
    {
        if (number > MaximumSourceLines)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"more than {MaximumSourceLines} lines"));
        }
    }

    private static InvalidDataException TooLarge(int limit)
        => new(string.Create(CultureInfo.InvariantCulture, $"larger than {limit >> 20} MB, the limit"));
}
