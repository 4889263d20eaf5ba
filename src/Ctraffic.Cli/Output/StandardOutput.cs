using System.Runtime.InteropServices;
using System.Text;

namespace Ctraffic.Cli.Output;

/// <summary>
/// Standard output whose write errors are seen. <see cref="Console.Out"/> drops a write to a pipe
/// whose reader has gone (EPIPE) without a word, so <c>ctraffic ... | true</c> would exit 0
/// having delivered nothing; the original dies of SIGPIPE (exit 141). Here every write is a
/// write(2) on descriptor 1 and a failure is an <see cref="IOException"/>: the command reports it
/// and exits non-zero. (Not a <see cref="FileStream"/> on the descriptor: it keeps its own file
/// offset and would write over the monitor lines of <c>&gt;file 2&gt;&amp;1</c>.)
/// </summary>
internal static partial class StandardOutput
{
    /// <summary>The name of standard output in error messages, as Go's <c>os.Stdout</c> names it.</summary>
    public const string Name = "/dev/stdout";

    private const int Descriptor = 1;
    private const int Eintr = 4;

    /// <summary>A writer on descriptor 1 (on other systems than Linux and macOS, <see cref="Console.Out"/>).</summary>
    public static TextWriter Open()
        => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
            ? new StreamWriter(new DescriptorStream(), new UTF8Encoding(false), 16 * 1024)
            : Console.Out;

    /// <summary>Writes <paramref name="text"/> and flushes it out.</summary>
    /// <exception cref="OutputException">Standard output could not be written; the message says why, in Go's words.</exception>
    public static async Task WriteAsync(TextWriter stdout, string text)
    {
        try
        {
            await stdout.WriteAsync(text).ConfigureAwait(false);
            await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new OutputException($"write {Name}: {Reason(ex)}", ex);
        }
    }

    private static string Reason(IOException ex) => ex.Message.Length > 0
        ? char.ToLowerInvariant(ex.Message[0]) + ex.Message[1..]
        : "write error";

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteRaw(int fd, byte* buffer, nint count);

    /// <summary>Writes straight to descriptor 1, all of each buffer, or throws with the errno's text.</summary>
    private sealed class DescriptorStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override unsafe void Write(ReadOnlySpan<byte> buffer)
        {
            fixed (byte* start = buffer)
            {
                var done = 0;
                while (done < buffer.Length)
                {
                    var n = WriteRaw(Descriptor, start + done, buffer.Length - done);
                    if (n < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == Eintr)
                        {
                            continue;
                        }

                        throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
                    }

                    done += (int)n;
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
