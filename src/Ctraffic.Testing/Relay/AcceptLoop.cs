using System.Net.Sockets;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// The accept loop of a relay's listener (the balancer's and the fault proxy's): each accepted
/// socket is handed to the owner. Accept errors are classified here, in one place, as the echo
/// server does: the listener closed (by <see cref="Stop"/>) ends the loop; anything else — out of
/// descriptors (EMFILE/ENFILE), a connection reset in the backlog — is waited out with a back-off
/// of 50 ms doubling to 1 s on the owner's clock, and the loop goes on, so one exhaustion does not
/// leave a front that listens and never accepts.
/// </summary>
internal sealed class AcceptLoop : IDisposable
{
    /// <summary>The first wait after an accept error.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest wait between two accept tries.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly Socket _listener;
    private readonly TimeProvider _time;
    private readonly Action<Socket> _accepted;
    private readonly Action _failed;
    private readonly CancellationTokenSource _stop = new();
    private int _stopped;

    private AcceptLoop(Socket listener, TimeProvider time, Action<Socket> accepted, Action failed)
    {
        _listener = listener;
        _time = time;
        _accepted = accepted;
        _failed = failed;
        Completion = RunAsync();
    }

    /// <summary>Completes once the loop has ended (after <see cref="Stop"/>).</summary>
    public Task Completion { get; }

    /// <summary>Accepts on <paramref name="listener"/>, which the loop owns from now on, handing each socket to <paramref name="accepted"/>; <paramref name="failed"/> counts each accept error waited out.</summary>
    public static AcceptLoop Start(Socket listener, TimeProvider time, Action<Socket> accepted, Action failed) => new(listener, time, accepted, failed);

    /// <summary>Stops accepting and closes the listener (new connects are refused). Calling it again does nothing.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _stop.Cancel();
            _listener.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>Stops (<see cref="Stop"/>).</summary>
    public void Dispose() => Stop();

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        await Task.Yield();
        var backoff = FirstBackoff;
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(stop).ConfigureAwait(false);
                backoff = FirstBackoff;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break; // stopped
            }
            catch (SocketException) when (stop.IsCancellationRequested)
            {
                break; // stopped while an accept was pending
            }
            catch (SocketException)
            {
                // Out of descriptors, a reset before accept, ...: wait on the owner's clock and go on.
                _failed();
                try
                {
                    await Task.Delay(backoff, _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
                continue;
            }

            _accepted(socket);
        }
    }
}
