using System.Text;

namespace Ctraffic.Cli.Output;

/// <summary>
/// Standard error for log and monitor lines. A line that cannot be written — stderr closed,
/// <c>/dev/full</c>, a reader that went away — is dropped, never an exception: logging must not
/// stop the traffic, the server or the statistics on stdout. The wrapped writer does the locking
/// (<see cref="Console.Error"/> is synchronized).
/// </summary>
internal sealed class LogWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        try
        {
            inner.Write(value);
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
        }
    }

    public override void Write(string? value)
    {
        try
        {
            inner.Write(value);
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        try
        {
            inner.Write(buffer, index, count);
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
        }
    }

    public override void WriteLine(string? value)
    {
        try
        {
            inner.WriteLine(value);
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
        }
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
        }
    }

    public override Task FlushAsync()
    {
        Flush();
        return Task.CompletedTask;
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    private static bool IsWriteFailure(Exception ex)
        => ex is IOException or ObjectDisposedException or UnauthorizedAccessException or NotSupportedException;
}
