using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Cli.Tests.Kubernetes;

/// <summary>
/// kubectl reads the manifests offline, with no cluster: <c>kubectl apply/create --dry-run=client</c>
/// still ask the API server for its resource types, so each document goes through
/// <c>kubectl label --local</c> (parsed, with a kind, an apiVersion and a name) and through
/// <c>kubectl set env --local</c> (workloads) or <c>kubectl set selector --local</c> (Services), which
/// decode it into the typed Kubernetes objects: a field of the wrong type is an error. Unknown fields
/// are not (that needs the server's schema).
/// </summary>
public class KubectlValidationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>No kubeconfig: kubectl reads no cluster's settings.</summary>
    private static readonly Dictionary<string, string?> NoCluster = new() { ["KUBECONFIG"] = "/dev/null" };

    public static TheoryData<string> Files => [.. Manifests.Files.Select(f => Path.GetFileName(f))];

    private static string Kubectl
    {
        get
        {
            var kubectl = ExternalCommand.Find("kubectl");
            if (kubectl is null)
            {
                Assert.Skip("kubectl is not installed (Debian: apt-get install kubernetes-client)");
            }

            return kubectl;
        }
    }

    private static async Task<JsonElement> ValidateAsync(string document, CancellationToken ct)
    {
        var parsed = await ExternalCommand.RunAsync(Kubectl, ["label", "--local", "-f", "-", "-o", "json", "validated=true"], Timeout, ct, document, NoCluster);
        parsed.Exit.Should().Be(0, parsed.Stderr);
        var obj = JsonDocument.Parse(parsed.Stdout).RootElement.Clone();
        var kind = obj.GetProperty("kind").GetString();
        string[] typed = kind == "Service"
            ? ["set", "selector", "--local", "-f", "-", "-o", "name", "app=ctraffic"]
            : ["set", "env", "--local", "-f", "-", "-o", "name", "CTRAFFIC_VALIDATED=1"];
        var decoded = await ExternalCommand.RunAsync(Kubectl, typed, Timeout, ct, document, NoCluster);
        decoded.Exit.Should().Be(0, $"kubectl decodes the {kind}: {decoded.Stderr}");
        return obj;
    }

    private static async Task<List<JsonElement>> AllObjectsAsync(CancellationToken ct)
    {
        var objects = new List<JsonElement>();
        foreach (var file in Manifests.Files)
        {
            foreach (var document in Manifests.Documents(file))
            {
                objects.Add(await ValidateAsync(document, ct));
            }
        }

        return objects;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task EveryDocumentIsAKubernetesObjectKubectlDecodes(string file)
    {
        var ct = TestContext.Current.CancellationToken;
        var documents = Manifests.Documents(Path.Combine(Manifests.Folder, file)).ToArray();
        documents.Should().NotBeEmpty();

        foreach (var document in documents)
        {
            var obj = await ValidateAsync(document, ct);
            obj.GetProperty("kind").GetString().Should().BeOneOf("Deployment", "Service", "Job");
        }
    }

    [Fact]
    public async Task AFieldOfTheWrongTypeIsRejected()
    {
        // Given a Deployment whose replicas is a string
        var broken = Manifests.Documents(Path.Combine(Manifests.Folder, "ctraffic.yaml")).First().Replace("replicas: 4", "replicas: \"four\"", StringComparison.Ordinal);

        // When kubectl decodes it, Then it fails: the check above can fail
        var result = await ExternalCommand.RunAsync(Kubectl, ["set", "env", "--local", "-f", "-", "-o", "name", "X=1"], Timeout, TestContext.Current.CancellationToken, broken, NoCluster);
        result.Exit.Should().NotBe(0);
        result.Stderr.Should().Contain("replicas");
    }

    [Fact]
    public async Task TheServicesSelectTheServerPodsAndTheClientReachesAServicePort()
    {
        // Given every object of the manifests
        var objects = await AllObjectsAsync(TestContext.Current.CancellationToken);
        var deployment = objects.Single(o => o.GetProperty("kind").GetString() == "Deployment");
        var services = objects.Where(o => o.GetProperty("kind").GetString() == "Service").ToArray();
        var job = objects.Single(o => o.GetProperty("kind").GetString() == "Job");

        // Then every Service selects the server's pods on the port it listens on
        var podLabels = deployment.GetProperty("spec").GetProperty("template").GetProperty("metadata").GetProperty("labels");
        var server = Container(deployment);
        var listen = HostPort.Parse(Arg(server, "-address")).Port;
        server.GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("containerPort").GetInt32()).Should().AllSatisfy(p => p.Should().Be(listen));
        services.Should().HaveCount(4);
        foreach (var service in services)
        {
            foreach (var selector in service.GetProperty("spec").GetProperty("selector").EnumerateObject())
            {
                podLabels.GetProperty(selector.Name).GetString().Should().Be(selector.Value.GetString());
            }

            service.GetProperty("spec").GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32()).Should().AllSatisfy(p => p.Should().Be(listen));
        }

        // And the client Job's pods run in parallel against one of the Services, by its name
        job.GetProperty("spec").GetProperty("parallelism").GetInt32().Should().Be(job.GetProperty("spec").GetProperty("completions").GetInt32()).And.BeGreaterThan(1);
        var target = HostPort.Parse(Arg(Container(job), "-address"));
        services.Select(s => s.GetProperty("metadata").GetProperty("name").GetString()).Should().Contain(target.Host);
        target.Port.Should().Be(listen);
    }

    private static JsonElement Container(JsonElement workload)
        => workload.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers").EnumerateArray().Single();

    private static string Arg(JsonElement container, string flag)
    {
        var args = container.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList();
        var at = args.IndexOf(flag);
        at.Should().BeGreaterThanOrEqualTo(0, $"the container has {flag}");
        return args[at + 1];
    }
}
