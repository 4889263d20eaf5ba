using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FluentAssertions;

namespace Ctraffic.Cli.Tests;

/// <summary><c>-client http|h2|grpc</c> and the server's <c>-http</c> and <c>-h2</c>, as processes.</summary>
public class HttpProcessTests
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;

    private static async Task<bool> ListensAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }

        return false;
    }

    [Theory]
    [InlineData("http")]
    [InlineData("h2")]
    [InlineData("grpc")]
    public async Task EveryClientTypeRunsAgainstTheServersHttpPorts(string client)
    {
        int echo = FreePort.Get(), h1 = FreePort.Get(), h2 = FreePort.Get();
        await using var server = await CtrafficProcess.StartServerAsync(echo, "web-x", "-http", $"127.0.0.1:{h1}", "-h2", $"127.0.0.1:{h2}");
        (await ListensAsync(client == "http" ? h1 : h2)).Should().BeTrue(server.Stderr);

        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(30),
            "-client", client, "-address", $"127.0.0.1:{(client == "http" ? h1 : h2)}", "-nconn", "3", "-rate", "30", "-timeout", "10s", "-stats", "all");

        code.Should().Be(0, stderr);
        var stats = Json(stdout);
        stats.GetProperty("Client").GetString().Should().Be(client);
        stats.GetProperty("Received").GetInt64().Should().BePositive();

        // Two cold processes on a busy machine may take longer than the 1 s read time-out for
        // their first requests (JIT of both HTTP stacks): such a request fails, and its connection with it.
        stats.GetProperty("FailedRequests").GetInt64().Should().Be(stats.GetProperty("FailedConnections").GetInt64());
        var answered = stats.GetProperty("ConnStats").EnumerateArray().Where(c => c.GetProperty("Received").GetInt64() > 0).ToList();
        answered.Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("Host").GetString() == "web-x");
    }

    [Fact]
    public async Task TheServerServesTlsWithAPemCertificateAndTheClientTrustsOnlyItsCaCert()
    {
        using var certificate = Ctraffic.Server.Http.SelfSignedCertificate.Create();
        var folder = Directory.CreateTempSubdirectory("ctraffic-tls-");
        try
        {
            var cert = Path.Combine(folder.FullName, "cert.pem");
            var key = Path.Combine(folder.FullName, "key.pem");
            await File.WriteAllTextAsync(cert, certificate.ExportCertificatePem(), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);
            int echo = FreePort.Get(), h1 = FreePort.Get();
            await using var server = await CtrafficProcess.StartServerAsync(echo, "tls-x", "-http", $"127.0.0.1:{h1}", "-tlscert", cert, "-tlskey", key);
            (await ListensAsync(h1)).Should().BeTrue(server.Stderr);

            var (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(30),
                "-client", "h2", "-tls", "-cacert", cert, "-address", $"127.0.0.1:{h1}", "-nconn", "2", "-rate", "20", "-timeout", "4s", "-stats", "all");
            code.Should().Be(0, stderr);
            var trusted = Json(stdout);
            trusted.GetProperty("Received").GetInt64().Should().BePositive(stdout);
            trusted.GetProperty("ConnStats").EnumerateArray().Where(c => c.GetProperty("Received").GetInt64() > 0)
                .Should().OnlyContain(c => c.GetProperty("Host").GetString() == "tls-x");

            // Without -cacert the machine's roots decide: the self-signed certificate is not among them.
            (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(30),
                "-client", "http", "-tls", "-address", $"127.0.0.1:{h1}", "-nconn", "1", "-rate", "10", "-timeout", "2s", "-stats", "all");
            var untrusted = Json(stdout);
            untrusted.GetProperty("Received").GetInt64().Should().Be(0, stdout);
            untrusted.GetProperty("FailedRequests").GetInt64().Should().BePositive(stdout);
            untrusted.GetProperty("ConnStats")[0].GetProperty("Err").GetString().Should().Contain("SSL connection could not be established");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task LocalWithTlsServesAndTrustsACertificateOfItsOwn()
    {
        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(30), "-local", "-client", "grpc", "-tls", "-rate", "20", "-timeout", "3s");

        code.Should().Be(0, stderr);
        var stats = Json(stdout);
        stats.GetProperty("Received").GetInt64().Should().BePositive(stdout);
        stats.GetProperty("Statuses").GetProperty("grpc SERVING").GetInt64().Should().Be(stats.GetProperty("Received").GetInt64());
    }

    [Fact]
    public async Task LocalRunsAnInProcessHttpServer()
    {
        var (code, stdout, stderr) = await CtrafficProcess.RunAsync(TimeSpan.FromSeconds(30), "-local", "-client", "h2", "-path", "/status/503", "-rate", "20", "-timeout", "6s");

        code.Should().Be(0, stderr);
        var stats = Json(stdout);
        stats.GetProperty("Received").GetInt64().Should().Be(0, "a 503 is no success");
        stats.GetProperty("ErrorResponses").GetInt64().Should().BePositive(stdout);
        stats.GetProperty("Statuses").GetProperty("503").GetInt64().Should().Be(stats.GetProperty("ErrorResponses").GetInt64());
    }

    [Theory]
    [InlineData("must be echo, http, h2 or grpc", "-client", "ftp")]
    [InlineData("serving HTTP needs -server", "-http", "[::]:5080")]
    [InlineData("listen on an IP address", "-h2", "localhost:5081", "-server")]
    [InlineData("-udp is for the echo client only", "-udp", "-client", "h2")]
    [InlineData("must be a URI path starting with /", "-path", "x", "-client", "http")]
    [InlineData("must be a header name", "-hostheader", "a b")]
    [InlineData("for flag -tls: is for the http, h2 and grpc clients", "-tls")]
    [InlineData("for flag -cacert: needs -tls", "-cacert", "ca.pem", "-client", "http")]
    [InlineData("for flag -cacert: Could not find a part of the path", "-cacert", "/nonexistent/ca.pem", "-client", "http", "-tls")]
    [InlineData("for flag -tlscert: give -tlscert and -tlskey together", "-tlscert", "cert.pem", "-server", "-http", "127.0.0.1:0")]
    [InlineData("for flag -tlscert: is for -http and -h2", "-tlscert", "cert.pem", "-tlskey", "key.pem", "-server")]
    public async Task ABadHttpFlagGetsOneLineNamingIt(string why, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CtrafficCommand.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);

        code.Should().Be(2);
        stderr.ToString().Split('\n')[0].Should().StartWith("ctraffic: invalid value ").And.Contain(why);
    }
}
