namespace Ctraffic.Testing.Containers;

/// <summary>Options of a client run by <see cref="CtrafficClientContainer"/>. Every property has a documented default.</summary>
public sealed class ClientContainerOptions
{
    /// <summary>The ctraffic image. The default value is <c>ctraffic:local</c> (built by <c>build/image.sh</c>).</summary>
    public string Image { get; set; } = "ctraffic:local";

    /// <summary>Number of connections (<c>-nconn</c>). The default value is 10.</summary>
    public int Connections { get; set; } = 10;

    /// <summary>Total rate in KB/s (<c>-rate</c>). The default value is 100.</summary>
    public double RateKBps { get; set; } = 100;

    /// <summary>Length of the run (<c>-timeout</c>). The default value is 5 seconds.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Image, nameof(Image));
        if (Connections < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Connections), $"{nameof(Connections)} must be at least 1, was {Connections}.");
        }

        if (!double.IsFinite(RateKBps) || RateKBps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RateKBps), $"{nameof(RateKBps)} must be a positive number, was {RateKBps}.");
        }

        if (Duration < TimeSpan.FromMilliseconds(100) || Duration > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), $"{nameof(Duration)} must be 100 ms to 1 h, was {Duration}.");
        }
    }
}
