// The Demo target: a whole rehearsal on LocalEcs, a good deploy and a bad one, as a user would run them.
using System.Diagnostics;
using System.Text.Json.Nodes;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.Ecs;
using Cake.EcsDeploy.Tasks;

const string DemoCluster = "demo";
const string DemoService = "task-api-go";

void RunDemo(ICakeContext context, string configuration)
{
    DotNetBuild("src/LocalEcs/LocalEcs.csproj", new DotNetBuildSettings { Configuration = configuration, NoLogo = true, Verbosity = DotNetVerbosity.Quiet });
    var artifacts = MakeAbsolute(Directory("artifacts/demo"));
    CleanDirectory(artifacts);

    using var localEcs = LocalEcsProcess.Start(MakeAbsolute(File($"src/LocalEcs/bin/{configuration}/net10.0/LocalEcs.dll")).FullPath,
        "--port", "0", "--task-start-delay", "1s", "--task-stop-delay", "500ms");
    Information($"LocalEcs is listening on {localEcs.Url}");

    var log = new CakeDeployLog(context.Log);
    using var ecs = new EcsClient(EcsConnection.Resolve(new Uri(localEcs.Url), null, Environment.GetEnvironmentVariable), log);
    ecs.CreateClusterAsync(DemoCluster).GetAwaiter().GetResult();
    var first = ecs.RegisterTaskDefinitionAsync(JsonNode.Parse(@"{
        ""family"": ""task-api-go"",
        ""networkMode"": ""awsvpc"",
        ""requiresCompatibilities"": [""FARGATE""],
        ""cpu"": ""256"",
        ""memory"": ""512"",
        ""containerDefinitions"": [{
            ""name"": ""api-go"",
            ""image"": ""registry.example.com/task-api-go:1.0.0"",
            ""essential"": true,
            ""portMappings"": [{ ""containerPort"": 8000, ""protocol"": ""tcp"" }],
            ""environment"": [{ ""name"": ""GREETING"", ""value"": ""hello"" }]
        }]
    }")!.AsObject()).GetAwaiter().GetResult();
    ecs.CreateServiceAsync(new CreateServiceRequest(DemoCluster, DemoService, first, 2)).GetAwaiter().GetResult();
    Information($"Created service {DemoService} on {DeploymentWaiter.ShortName(first)}; waiting for it to start:");
    var started = new DeploymentWaiter(ecs, log).WaitAsync(DemoCluster, DemoService, first, new DeploymentWaitOptions { Timeout = TimeSpan.FromMinutes(1), MinPollInterval = TimeSpan.FromMilliseconds(250) }).GetAwaiter().GetResult();
    if (!started.Succeeded) throw new CakeException("Demo set-up failed: " + started.Summary);

    var verifyUrl = $"{localEcs.Url}/lb/{DemoCluster}/{DemoService}/leo";
    int Deploy(string image, string folder) => StartProcess("dotnet", new ProcessSettings {
        Arguments = new ProcessArgumentBuilder()
            .Append("cake").Append("build/build.cake").Append("--target=Deploy")
            .Append($"--cluster={DemoCluster}").Append($"--service={DemoService}").Append($"--image={image}")
            .Append($"--verify-url={verifyUrl}").Append($"--ecs-endpoint={localEcs.Url}")
            .Append($"--artifacts={artifacts.Combine(folder).FullPath}")
            .Append("--poll-interval=250ms").Append("--verify-interval=200ms").Append("--verify-retry-delay=200ms").Append("--verify-deadline=10s"),
    });

    Information("\n=== 1. Deploy a good image: expect success ===");
    var goodExit = Deploy("registry.example.com/task-api-go:1.1.0", "good");
    var afterGood = ecs.DescribeServiceAsync(DemoCluster, DemoService).GetAwaiter().GetResult().TaskDefinition;

    Information("\n=== 2. Deploy an unhealthy image: expect verification to fail and a rollback ===");
    var badExit = Deploy("registry.example.com/task-api-go:1.2.0-unhealthy", "unhealthy");
    var afterBad = ecs.DescribeServiceAsync(DemoCluster, DemoService).GetAwaiter().GetResult().TaskDefinition;

    var goodOk = goodExit == 0 && afterGood != first;
    var badOk = badExit == 3 && afterBad == afterGood; // 3: rolled back, service restored
    Information("\n=== Demo summary ===");
    Information($"  good deploy (1.1.0):           exit {goodExit}, service on {DeploymentWaiter.ShortName(afterGood)}  {(goodOk ? "OK: deployed and verified" : "UNEXPECTED")}");
    Information($"  unhealthy deploy (1.2.0-unhealthy): exit {badExit}, service on {DeploymentWaiter.ShortName(afterBad)}  {(badOk ? "OK: failed verification, rolled back to the good revision" : "UNEXPECTED")}");
    Information($"  artifacts: {artifacts}");
    if (!goodOk || !badOk) throw new CakeException("The demo did not go as expected; see the log above.");
}

/// <summary>LocalEcs as a child process; stopped on dispose.</summary>
sealed class LocalEcsProcess : IDisposable
{
    private readonly Process _process;
    private LocalEcsProcess(Process process, string url) { _process = process; Url = url; }
    public string Url { get; }

    public static LocalEcsProcess Start(string dll, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var read = process.StandardOutput.ReadLineAsync();
        string line = null;
        while (line == null || !line.StartsWith("LocalEcs listening on "))
        {
            if (!read.Wait(TimeSpan.FromSeconds(30)) || read.Result == null) { process.Kill(true); throw new Exception("LocalEcs did not start: " + line); }
            line = read.Result;
            if (!line.StartsWith("LocalEcs listening on ")) read = process.StandardOutput.ReadLineAsync();
        }
        // Keep draining its output so it never blocks on a full pipe.
        process.StandardOutput.ReadToEndAsync();
        return new LocalEcsProcess(process, line.Substring("LocalEcs listening on ".Length).Trim().TrimEnd('/'));
    }

    public void Dispose()
    {
        if (!_process.HasExited) { _process.Kill(true); _process.WaitForExit(); }
        _process.Dispose();
    }
}
