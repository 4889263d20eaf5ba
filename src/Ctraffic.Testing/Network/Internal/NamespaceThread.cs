using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ctraffic.Testing.Network.Internal;

/// <summary>
/// Runs code inside a network namespace: on a thread of its own that joins the namespace with
/// <c>setns(2)</c> and goes back to its own namespace before it ends, so that no other thread of
/// the process changes namespace. The sockets the code makes live in the namespace.
/// </summary>
internal static class NamespaceThread
{
    /// <summary>Runs <paramref name="action"/> in the namespace <paramref name="name"/> and returns what it returned (or throws what it threw).</summary>
    /// <exception cref="NetworkSetupException">The namespace cannot be joined.</exception>
    public static T Run<T>(string name, Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunInside(name, action);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        {
            IsBackground = true,
            Name = $"netns {name}",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return result;
    }

    private static T RunInside<T>(string name, Func<T> action)
    {
        using var home = File.OpenHandle("/proc/thread-self/ns/net", FileMode.Open, FileAccess.Read);
        using (var target = File.OpenHandle($"/var/run/netns/{name}", FileMode.Open, FileAccess.Read))
        {
            Join(target, $"namespace {name}");
        }

        try
        {
            return action();
        }
        finally
        {
            Join(home, "its own namespace again");
        }
    }

    private static void Join(SafeFileHandle handle, string what)
    {
        if (NativeMethods.SetNs((int)handle.DangerousGetHandle(), NativeMethods.CloneNewNet) != 0)
        {
            throw new NetworkSetupException($"setns into {what}: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
