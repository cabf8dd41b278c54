// The Bench target (issue 6): how fast a broken deploy is undone, what a good deploy costs beyond ECS's own
// latencies, and how many ECS API calls a deploy makes; side by side with the floor LocalEcs allows and with the
// hand-written recipe in bench/recipe.sh. Everything runs on LocalEcs on loopback; results go to artifacts/bench/.
#nullable enable
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

Task("Bench")
    .Description("Benchmarks time to restore (unhealthy, crash), overhead of a good deploy and API calls per deploy against the floor and bench/recipe.sh, on LocalEcs; --bench-runs=N (default 3). Writes artifacts/bench/.")
    .Does(() => RunBench(Context));

const string BenchCluster = "bench";
const int BenchDesiredCount = 2;
const string BenchImage = "registry.example.com/bench-api";

// What a user deploying to LocalEcs would pass: LocalEcs's tasks start in seconds, not minutes, so the waits are
// scaled down with it. --verify-failures ends verification of an unhealthy image after three failed requests in a
// row (the rollback starts as soon as failure is certain), well inside the deadline.
static readonly string[] BenchDeployArguments =
[
    "--poll-interval=2s",
    "--verify-interval=100ms",
    "--verify-retry-delay=200ms",
    "--verify-timeout=2s",
    "--verify-failures=3",
    "--verify-deadline=30s",
    "--stability-timeout=2m",
];

void RunBench(ICakeContext context)
{
    var runs = Argument("bench-runs", 3);
    var startDelay = BenchDuration(Argument("bench-task-start-delay", "2s"));
    var stopDelay = BenchDuration(Argument("bench-task-stop-delay", "1s"));
    var tick = BenchDuration(Argument("bench-tick", "100ms"));
    var configuration = Argument("configuration", "Release");
    if (runs < 1) throw new CakeException("--bench-runs must be at least 1.");
    if (!HasArgument("bench-no-build"))
    {
        DotNetBuild("src/LocalEcs/LocalEcs.csproj", new DotNetBuildSettings { Configuration = configuration, NoLogo = true, Verbosity = DotNetVerbosity.Quiet });
    }

    foreach (var tool in new[] { "aws", "jq", "wget" })
    {
        if (!BenchOnPath(tool)) throw new CakeException($"Bench needs '{tool}' on PATH for bench/recipe.sh (see README, Tests); nothing was run.");
    }

    var root = MakeAbsolute(Directory(".")).FullPath;
    var output = MakeAbsolute(Directory("artifacts/bench"));
    CleanDirectory(output);
    var scriptCache = output.Combine("cake-cache").FullPath;
    var localEcsDll = MakeAbsolute(File($"src/LocalEcs/bin/{configuration}/net10.0/LocalEcs.dll")).FullPath;
    string[] localEcsArgs = ["--port", "0", "--task-start-delay", BenchFormat(startDelay), "--task-stop-delay", BenchFormat(stopDelay), "--tick", BenchFormat(tick)];
    var floors = BenchFloors.Compute(startDelay, stopDelay, BenchDesiredCount);
    var env = new BenchEnvironment(root, output.FullPath, scriptCache);
    var samples = new List<BenchSample>();
    var clock = Stopwatch.StartNew();

    // 1. Ours and the hand-timed floor, one at a time on one LocalEcs, so neither competes for the 2 cores.
    using (var localEcs = LocalEcsProcess.Start(localEcsDll, localEcsArgs))
    using (var ecs = new BenchEcs(localEcs.Url))
    {
        Information($"Bench: LocalEcs at {localEcs.Url} (task start {BenchFormat(startDelay)}, stop {BenchFormat(stopDelay)}, tick {BenchFormat(tick)}); {runs} run(s).");
        ecs.Call("CreateCluster", new JsonObject { ["clusterName"] = BenchCluster });
        // Every service the runs use, made up front: a fresh one per deploy, so no run inherits another's state.
        Information("Creating the services...");
        var counts = new Dictionary<string, int> { ["warmup"] = 1, ["floor"] = 3 * runs, ["ours"] = 3 * runs, ["cold"] = runs };
        var fresh = counts.ToDictionary(c => c.Key, c => new Queue<string>(Enumerable.Range(1, c.Value).Select(i => $"{c.Key}-{i}")));
        // The floor's services need no history; the others have one rollout behind them, as services in use do.
        ecs.CreateSettledServices(BenchCluster, fresh["floor"].ToList(), deployedBefore: false);
        ecs.CreateSettledServices(BenchCluster, fresh.Where(f => f.Key != "floor").SelectMany(f => f.Value).ToList(), deployedBefore: true);
        string NewService(string kind) => fresh[kind].Dequeue();

        // Fills the script cache, so that every measured run starts the same way; not counted.
        Information("Warm-up deploy (fills Cake's script cache; not counted)...");
        BenchOurs(env, ecs, NewService("warmup"), "good", "warmup", 0, scriptCache: true);

        for (var run = 1; run <= runs; run++)
        {
            Information($"--- run {run}/{runs} ---");
            foreach (var scenario in BenchScenario.All)
            {
                samples.Add(BenchFloorSequence(ecs, NewService("floor"), scenario, run));
                samples.Add(BenchOurs(env, ecs, NewService("ours"), scenario, "ours", run, scriptCache: true));
            }

            // What a user gets without the script cache: Cake compiles build.cake on every run.
            samples.Add(BenchOurs(env, ecs, NewService("cold"), "good", "ours-no-script-cache", run, scriptCache: false));
        }
    }

    // 2. The recipe: its sleeps dominate, so all its runs go at once, each on its own LocalEcs (exact API counts),
    // started a few seconds apart so the AWS CLI's start-ups do not all land together.
    Information($"Recipe: {runs * 2} run(s) of bench/recipe.sh at once (sleep 30 and 15 s waiter polls: about a minute)...");
    var recipeRuns = Enumerable.Range(1, HasArgument("bench-skip-recipe") ? 0 : runs)
        .SelectMany(run => new[] { "unhealthy", "crash" }.Select(scenario => (run, scenario)))
        .Select((r, i) => System.Threading.Tasks.Task.Run(() => BenchRecipe(env, localEcsDll, localEcsArgs, r.scenario, r.run, TimeSpan.FromSeconds(3 * i))))
        .ToArray();
    samples.AddRange(System.Threading.Tasks.Task.WhenAll(recipeRuns).GetAwaiter().GetResult());

    var report = BenchReport.Build(samples, floors, runs, startDelay, stopDelay, tick, clock.Elapsed);
    System.IO.File.WriteAllText(output.CombineWithFilePath("bench.md").FullPath, report.Markdown);
    System.IO.File.WriteAllText(output.CombineWithFilePath("bench.json").FullPath, report.Json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    Information("\n" + report.Markdown);
    Information($"Written to {output}/bench.md and bench.json (logs of every run in {output}/logs).");
    if (samples.FirstOrDefault(s => !s.AsExpected) is { } odd)
    {
        throw new CakeException($"Bench: {odd.Who} {odd.Scenario} run {odd.Run} did not end as expected ({odd.Verdict}); see {output}/logs.");
    }
}

/// <summary>One of the three deploys the bench times.</summary>
static class BenchScenario
{
    public static readonly string[] All = ["unhealthy", "crash", "good"];

    public static string Image(string scenario) => scenario switch
    {
        "unhealthy" => BenchImage + ":2.0.0-unhealthy",
        "crash" => BenchImage + ":2.0.0-crash",
        _ => BenchImage + ":2.0.0",
    };
}

/// <summary>Where the bench writes, and the environment its children get.</summary>
sealed record BenchEnvironment(string Root, string Output, string ScriptCache)
{
    public string Logs => System.IO.Path.Combine(Output, "logs");
}

/// <summary>One timed deploy: by whom (ours, floor, recipe), which scenario, how long, which API calls.</summary>
sealed record BenchSample(string Who, string Scenario, int Run, double Seconds, bool AsExpected, string Verdict, IReadOnlyDictionary<string, long> ApiCalls)
{
    public long DescribeServices => ApiCalls.GetValueOrDefault("DescribeServices");
    public long TotalApiCalls => ApiCalls.Values.Sum();
}

/// <summary>Runs <c>dotnet cake build/build.cake --target=Deploy</c> as a user would and times it from start to exit.</summary>
BenchSample BenchOurs(BenchEnvironment env, BenchEcs ecs, string service, string scenario, string who, int run, bool scriptCache)
{
    var before = ecs.ServiceArn(BenchCluster, service);
    var args = new List<string>
    {
        "cake", "build/build.cake", "--target=Deploy", $"--cluster={BenchCluster}", $"--service={service}",
        $"--image={BenchScenario.Image(scenario)}", $"--verify-url={ecs.Url}/lb/{BenchCluster}/{service}/health",
        $"--ecs-endpoint={ecs.Url}", $"--artifacts={System.IO.Path.Combine(env.Output, "runs", service)}",
    };
    args.AddRange(BenchDeployArguments);
    var callsBefore = ecs.ApiCalls();
    var (exit, seconds) = BenchProcess.Run(env, $"{who}-{scenario}-{run}", "dotnet", args, new Dictionary<string, string>
    {
        ["CAKE_SETTINGS_ENABLESCRIPTCACHE"] = scriptCache ? "true" : "false",
        ["CAKE_PATHS_CACHE"] = env.ScriptCache,
    });
    var calls = BenchEcs.Difference(ecs.ApiCalls(), callsBefore);
    var after = ecs.ServiceArn(BenchCluster, service);
    var (ok, verdict) = scenario == "good"
        ? (exit == 0 && after != before, exit == 0 ? "deployed and verified" : $"exit {exit}")
        : (exit != 0 && after == before, exit != 0 && after == before ? "rolled back and verified" : $"exit {exit}, service on {after.Split('/').Last()}");
    Information($"  {who,-22} {scenario,-9} {seconds,6:0.00}s  DescribeServices {calls.GetValueOrDefault("DescribeServices"),3}  all calls {calls.Values.Sum(),3}  {verdict}");
    return new BenchSample(who, scenario, run, seconds, ok, verdict, calls);
}

/// <summary>
/// The floor checked by hand: the same sequence as Deploy (register, update, wait for the deployment to finish or
/// fail, one request through the load balancer, roll back, wait, one request), done with raw API calls polled every
/// 20 ms, so nearly all of the time is LocalEcs's own.
/// </summary>
BenchSample BenchFloorSequence(BenchEcs ecs, string service, string scenario, int run)
{
    var callsBefore = ecs.ApiCalls();
    var watch = Stopwatch.StartNew();
    var previous = ecs.ServiceArn(BenchCluster, service);
    var definition = ecs.Call("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = previous })["taskDefinition"]!.AsObject();
    var next = ecs.Register(definition, BenchScenario.Image(scenario));
    ecs.Call("UpdateService", new JsonObject { ["cluster"] = BenchCluster, ["service"] = service, ["taskDefinition"] = next });

    string verdict;
    bool ok;
    if (scenario == "crash")
    {
        // ECS's circuit breaker fails the deployment and rolls back by itself; wait for that, as Rollback does.
        ecs.WaitUntil(BenchCluster, service, s => BenchEcs.Deployment(s, next)?["rolloutState"]?.GetValue<string>() == "FAILED" || BenchEcs.Primary(s) != next);
        ecs.WaitUntil(BenchCluster, service, s => BenchEcs.IsSettledOn(s, previous));
        var (status, _) = ecs.Probe(BenchCluster, service);
        (ok, verdict) = (status == 200, $"breaker rolled back, load balancer {status}");
    }
    else
    {
        ecs.WaitUntil(BenchCluster, service, s => BenchEcs.IsSettledOn(s, next));
        var (status, _) = ecs.Probe(BenchCluster, service);
        if (scenario == "good")
        {
            (ok, verdict) = (status == 200, $"deployed, load balancer {status}");
        }
        else
        {
            ecs.Call("UpdateService", new JsonObject { ["cluster"] = BenchCluster, ["service"] = service, ["taskDefinition"] = previous });
            ecs.WaitUntil(BenchCluster, service, s => BenchEcs.IsSettledOn(s, previous));
            var (back, _) = ecs.Probe(BenchCluster, service);
            (ok, verdict) = (status == 503 && back == 200, $"load balancer {status}, rolled back, then {back}");
        }
    }

    var seconds = watch.Elapsed.TotalSeconds;
    Information($"  {"floor (hand-timed)",-22} {scenario,-9} {seconds,6:0.00}s  {verdict}");
    return new BenchSample("floor", scenario, run, seconds, ok, verdict, BenchEcs.Difference(ecs.ApiCalls(), callsBefore));
}

/// <summary>One run of bench/recipe.sh on a LocalEcs of its own, timed from start to exit.</summary>
BenchSample BenchRecipe(BenchEnvironment env, string localEcsDll, string[] localEcsArgs, string scenario, int run, TimeSpan stagger)
{
    using var localEcs = LocalEcsProcess.Start(localEcsDll, localEcsArgs);
    using var ecs = new BenchEcs(localEcs.Url);
    ecs.Call("CreateCluster", new JsonObject { ["clusterName"] = BenchCluster });
    var service = ecs.CreateSettledService(BenchCluster, $"recipe-{scenario}-{run}", deployedBefore: false);
    var before = ecs.ServiceArn(BenchCluster, service);
    System.Threading.Thread.Sleep(stagger);

    var work = System.IO.Path.Combine(env.Output, "runs", service);
    System.IO.Directory.CreateDirectory(work);
    var callsBefore = ecs.ApiCalls();
    var (exit, seconds) = BenchProcess.Run(env, $"recipe-{scenario}-{run}", "bash",
        [System.IO.Path.Combine(env.Root, "bench", "recipe.sh"), BenchCluster, service, service, BenchScenario.Image(scenario), $"{localEcs.Url}/lb/{BenchCluster}/{service}/health"],
        new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_ECS"] = localEcs.Url,
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_PAGER"] = "",
        }, work);
    var calls = BenchEcs.Difference(ecs.ApiCalls(), callsBefore);
    var after = ecs.ServiceArn(BenchCluster, service);
    // The recipe cannot see a crash that ECS's circuit breaker already rolled back: it sleeps, wget gets the old
    // revision's 200, and it reports success. Record that rather than call it a failure of the bench.
    var (ok, verdict) = scenario == "crash"
        ? (after == before, exit == 0 ? "exit 0: reported SUCCESS, but ECS had rolled back (old revision answered)" : $"exit {exit}")
        : (exit != 0 && after == before, exit != 0 && after == before ? "wget failed, rolled back (not verified)" : $"exit {exit}");
    return new BenchSample("recipe", scenario, run, seconds, ok, verdict, calls);
}

/// <summary>Child processes with their output in artifacts/bench/logs/.</summary>
static class BenchProcess
{
    public static (int Exit, double Seconds) Run(BenchEnvironment env, string name, string file, IEnumerable<string> args, IDictionary<string, string> environment, string? workingDirectory = null)
    {
        System.IO.Directory.CreateDirectory(env.Logs);
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory ?? env.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment) info.Environment[key] = value;

        using var log = new System.IO.StreamWriter(System.IO.Path.Combine(env.Logs, name + ".log"));
        var gate = new object();
        void Write(string? line) { if (line is not null) lock (gate) log.WriteLine(line); }
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        var seconds = watch.Elapsed.TotalSeconds;
        lock (gate) log.WriteLine($"# exit {process.ExitCode} after {seconds:0.000}s");
        return (process.ExitCode, seconds);
    }
}

/// <summary>A bare ECS JSON 1.1 client for set-up and the floor: independent of the addin, so the floor is not ours.</summary>
sealed class BenchEcs : IDisposable
{
    private readonly HttpClient _http;

    public BenchEcs(string url)
    {
        Url = url;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Url { get; }

    public JsonNode Call(string operation, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url + "/");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonEC2ContainerServiceV20141113." + operation);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var response = _http.Send(request);
        var text = new System.IO.StreamReader(response.Content.ReadAsStream()).ReadToEnd();
        if (!response.IsSuccessStatusCode) throw new CakeException($"LocalEcs {operation} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A service of <see cref="BenchDesiredCount"/> tasks with ECS's circuit breaker (rollback on), settled on a revision of its own family.</summary>
    public string CreateSettledService(string cluster, string service, bool deployedBefore = true) =>
        CreateSettledServices(cluster, [service], deployedBefore)[0];

    /// <summary>Creates the services together (they roll out side by side in LocalEcs), so set-up costs one rollout or two, not one per service.</summary>
    public IReadOnlyList<string> CreateSettledServices(string cluster, IReadOnlyList<string> services, bool deployedBefore)
    {
        var first = new Dictionary<string, string>();
        foreach (var service in services)
        {
            var definition = new JsonObject
            {
                ["family"] = service,
                ["containerDefinitions"] = new JsonArray(new JsonObject
                {
                    ["name"] = "api",
                    ["image"] = BenchImage + ":1.0.0",
                    ["essential"] = true,
                    ["portMappings"] = new JsonArray(new JsonObject { ["containerPort"] = 8000 }),
                }),
            };
            first[service] = Call("RegisterTaskDefinition", definition)["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
            Call("CreateService", new JsonObject
            {
                ["cluster"] = cluster,
                ["serviceName"] = service,
                ["taskDefinition"] = first[service],
                ["desiredCount"] = BenchDesiredCount,
                ["deploymentConfiguration"] = new JsonObject
                {
                    ["maximumPercent"] = 200,
                    ["minimumHealthyPercent"] = 100,
                    ["deploymentCircuitBreaker"] = new JsonObject { ["enable"] = true, ["rollback"] = true },
                },
            });
        }

        foreach (var service in services) WaitUntil(cluster, service, s => IsSettledOn(s, first[service]));
        if (deployedBefore)
        {
            // Like a service in use, each has been deployed before: its events show how long a rollout takes.
            var next = services.ToDictionary(service => service, service =>
            {
                var arn = Register(Call("DescribeTaskDefinition", new JsonObject { ["taskDefinition"] = first[service] })["taskDefinition"]!.AsObject(), BenchImage + ":1.0.1");
                Call("UpdateService", new JsonObject { ["cluster"] = cluster, ["service"] = service, ["taskDefinition"] = arn });
                return arn;
            });
            foreach (var service in services) WaitUntil(cluster, service, s => IsSettledOn(s, next[service]));
        }

        return services;
    }

    /// <summary>Registers <paramref name="definition"/> with a new image, without the fields ECS fills in.</summary>
    public string Register(JsonObject definition, string image)
    {
        var request = definition.DeepClone().AsObject();
        foreach (var field in new[] { "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt" })
        {
            request.Remove(field);
        }

        request["containerDefinitions"]![0]!["image"] = image;
        return Call("RegisterTaskDefinition", request)["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
    }

    public JsonObject Describe(string cluster, string service) =>
        Call("DescribeServices", new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(service) })["services"]![0]!.AsObject();

    public string ServiceArn(string cluster, string service) => Primary(Describe(cluster, service))!;

    /// <summary>Polls every 20 ms: the floor must not wait on its own polling.</summary>
    public void WaitUntil(string cluster, string service, Func<JsonObject, bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition(Describe(cluster, service)))
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(2)) throw new CakeException($"Bench: {service} did not reach the expected state within 2 minutes.");
            System.Threading.Thread.Sleep(20);
        }
    }

    /// <summary>One GET through the load balancer: status and the revision that served it.</summary>
    public (int Status, string? TaskDefinition) Probe(string cluster, string service)
    {
        using var response = _http.Send(new HttpRequestMessage(HttpMethod.Get, $"{Url}/lb/{cluster}/{service}/health"));
        return ((int)response.StatusCode, response.Headers.TryGetValues("X-LocalEcs-Task-Definition", out var v) ? v.First() : null);
    }

    public Dictionary<string, long> ApiCalls()
    {
        var stats = JsonNode.Parse(_http.GetStringAsync(Url + "/_localecs/stats").GetAwaiter().GetResult())!;
        return stats["apiCalls"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<long>());
    }

    public static Dictionary<string, long> Difference(Dictionary<string, long> after, Dictionary<string, long> before) =>
        after.Select(p => (p.Key, Count: p.Value - before.GetValueOrDefault(p.Key))).Where(p => p.Count > 0).ToDictionary(p => p.Key, p => p.Count);

    public static string? Primary(JsonObject service) =>
        service["deployments"]?.AsArray().FirstOrDefault(d => d?["status"]?.GetValue<string>() == "PRIMARY")?["taskDefinition"]?.GetValue<string>();

    public static JsonNode? Deployment(JsonObject service, string taskDefinition) =>
        service["deployments"]?.AsArray().FirstOrDefault(d => d?["taskDefinition"]?.GetValue<string>() == taskDefinition);

    public static bool IsSettledOn(JsonObject service, string taskDefinition) =>
        service["deployments"]!.AsArray() is { Count: 1 } deployments
        && deployments[0]!["taskDefinition"]!.GetValue<string>() == taskDefinition
        && deployments[0]!["rolloutState"]?.GetValue<string>() == "COMPLETED"
        && service["runningCount"]!.GetValue<int>() == service["desiredCount"]!.GetValue<int>()
        && service["pendingCount"]!.GetValue<int>() == 0;

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// The floor computed from LocalEcs's settings (src/LocalEcs/Simulation/DeploymentScheduler.cs), for a service of
/// `desired` tasks at maximumPercent 200, minimumHealthyPercent 100: a rollout launches all new tasks at once,
/// they run after the start delay S, count as healthy S/2 later (LocalEcs's stand-in for load-balancer
/// registration), then the old tasks drain over the stop delay P. Each step can also wait up to one tick.
/// </summary>
sealed record BenchFloors(double Good, double Unhealthy, double Crash, string GoodFormula, string UnhealthyFormula, string CrashFormula)
{
    public static BenchFloors Compute(TimeSpan start, TimeSpan stop, int desired)
    {
        double s = start.TotalSeconds, p = stop.TotalSeconds;
        var rollout = 1.5 * s + p;
        // ECS's breaker threshold, clamp(ceil(desired/2), 3, 200) failed tasks; each round of crashes fails `desired`.
        var threshold = Math.Clamp((int)Math.Ceiling(desired * 0.5), 3, 200);
        var rounds = (int)Math.Ceiling(threshold / (double)desired);
        return new BenchFloors(rollout, 2 * rollout, rounds * s + rollout,
            "1.5·S + P (new tasks run, turn healthy, old ones drain)",
            "2 × (1.5·S + P) (the bad rollout, then the rollback's)",
            $"{rounds}·S + 1.5·S + P ({rounds} rounds of crashing tasks reach the breaker's {threshold}, then its rollback)");
    }

    public double For(string scenario) => scenario switch { "unhealthy" => Unhealthy, "crash" => Crash, _ => Good };

    public string Formula(string scenario) => scenario switch { "unhealthy" => UnhealthyFormula, "crash" => CrashFormula, _ => GoodFormula };
}

/// <summary>The table of medians, the targets of issue 6, and the raw samples.</summary>
sealed record BenchReport(string Markdown, JsonObject Json)
{
    public static BenchReport Build(List<BenchSample> samples, BenchFloors floors, int runs, TimeSpan start, TimeSpan stop, TimeSpan tick, TimeSpan took)
    {
        double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            if (sorted.Length == 0) return double.NaN;
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        IEnumerable<BenchSample> Of(string who, string scenario) => samples.Where(s => s.Who == who && s.Scenario == scenario);
        double MedianSeconds(string who, string scenario) => Median(Of(who, scenario).Select(s => s.Seconds));
        double MedianCalls(string who, string scenario, Func<BenchSample, long> count) => Median(Of(who, scenario).Select(s => (double)count(s)));
        string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0", CultureInfo.InvariantCulture);
        string R(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.00", CultureInfo.InvariantCulture) + "×";

        var md = new StringBuilder();
        var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
        md.AppendLine("## Bench results");
        md.AppendLine();
        md.AppendLine($"Medians of {runs} run(s) on LocalEcs (task start S = {BenchFormat(start)}, stop/drain P = {BenchFormat(stop)}, tick {BenchFormat(tick)}), " +
                      $"{BenchDesiredCount} tasks, circuit breaker with rollback on; {machine}; bench took {took.TotalMinutes:0.0} min.");
        md.AppendLine($"Ours: `dotnet cake build/build.cake --target=Deploy {string.Join(" ", BenchDeployArguments)}` with Cake's script cache, timed from start to exit.");
        md.AppendLine();
        md.AppendLine("| deploy | floor (computed) | floor (hand-timed) | ours | recipe | ours ÷ floor | recipe ÷ ours | DescribeServices (ours) | 2 s-poll budget | all API calls (ours / recipe) |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var rows = new JsonArray();
        foreach (var scenario in BenchScenario.All)
        {
            var floor = floors.For(scenario);
            var hand = MedianSeconds("floor", scenario);
            var ours = MedianSeconds("ours", scenario);
            var recipe = scenario == "good" ? double.NaN : MedianSeconds("recipe", scenario);
            var describes = MedianCalls("ours", scenario, s => s.DescribeServices);
            // What a poller that asks every 2 s makes over the same deploy: one call at the start, one every 2 s.
            var budget = Median(Of("ours", scenario).Select(s => Math.Floor(s.Seconds / 2) + 1));
            var label = scenario == "good" ? "good (overhead)" : $"{scenario} (time to restore)";
            md.AppendLine($"| {label} | {F(floor)} s | {F(hand)} s | {F(ours)} s | {(double.IsNaN(recipe) ? "n/a" : F(recipe) + " s")} | {R(ours / floor)} | {(double.IsNaN(recipe) ? "n/a" : R(recipe / ours))} | {describes} | {budget} | {MedianCalls("ours", scenario, s => s.TotalApiCalls)} / {(double.IsNaN(recipe) ? "n/a" : MedianCalls("recipe", scenario, s => s.TotalApiCalls).ToString(CultureInfo.InvariantCulture))} |");
            rows.Add(new JsonObject
            {
                ["scenario"] = scenario,
                ["floorComputedSeconds"] = floor,
                ["floorFormula"] = floors.Formula(scenario),
                ["floorHandTimedSeconds"] = hand,
                ["oursSeconds"] = ours,
                ["recipeSeconds"] = double.IsNaN(recipe) ? null : recipe,
                ["oursOverFloor"] = ours / floor,
                ["recipeOverOurs"] = double.IsNaN(recipe) ? null : recipe / ours,
                ["oursDescribeServices"] = describes,
                ["twoSecondPollBudget"] = budget,
                ["oursApiCalls"] = MedianCalls("ours", scenario, s => s.TotalApiCalls),
                ["recipeApiCalls"] = double.IsNaN(recipe) ? null : MedianCalls("recipe", scenario, s => s.TotalApiCalls),
            });
        }

        var cold = MedianSeconds("ours-no-script-cache", "good");
        var overhead = MedianSeconds("ours", "good") - floors.Good;
        md.AppendLine();
        md.AppendLine($"- Overhead on a good deploy: **{F(overhead)} s** beyond the floor with the script cache; {F(cold - floors.Good)} s without it (Cake compiles build.cake: {F(cold)} s in all).");
        md.AppendLine($"- Floors: good {floors.GoodFormula}; unhealthy {floors.UnhealthyFormula}; crash {floors.CrashFormula}. " +
                      "The hand-timed floor does the same calls with raw HTTP, polling every 20 ms; it may exceed the computed one by a tick per step.");
        var recipeCrash = samples.Where(s => s.Who == "recipe" && s.Scenario == "crash").Select(s => s.Verdict).Distinct();
        md.AppendLine($"- Recipe on the crash image: {string.Join("; ", recipeCrash)}. Its restore time is when it exits; it never verifies after a rollback.");
        md.AppendLine();
        md.AppendLine("| target (issue 6) | measured | met |");
        md.AppendLine("| --- | --- | --- |");
        var targets = new JsonArray();
        void Target(string name, string measured, bool met)
        {
            md.AppendLine($"| {name} | {measured} | {(met ? "yes" : "**no**")} |");
            targets.Add(new JsonObject { ["target"] = name, ["measured"] = measured, ["met"] = met });
        }

        foreach (var scenario in new[] { "unhealthy", "crash" })
        {
            var ratio = MedianSeconds("ours", scenario) / floors.For(scenario);
            Target($"{scenario}: time to restore ≤ 1.5 × floor", $"{R(ratio)} ({F(MedianSeconds("ours", scenario))} s vs {F(floors.For(scenario))} s)", ratio <= 1.5);
            var faster = MedianSeconds("recipe", scenario) / MedianSeconds("ours", scenario);
            Target($"{scenario}: ≥ 5 × faster than the recipe", $"{R(faster)} ({F(MedianSeconds("recipe", scenario))} s vs {F(MedianSeconds("ours", scenario))} s)", faster >= 5);
        }

        Target("good: overhead < 3 s beyond the floor", $"{F(overhead)} s", overhead < 3);
        foreach (var scenario in BenchScenario.All)
        {
            var worst = Of("ours", scenario).Select(s => s.DescribeServices - (Math.Floor(s.Seconds / 2) + 1)).DefaultIfEmpty(0).Max();
            Target($"{scenario}: DescribeServices ≤ polling every 2 s", $"{MedianCalls("ours", scenario, s => s.DescribeServices)} (worst run {(worst > 0 ? "+" : "")}{worst} vs its budget)", worst <= 0);
        }

        var json = new JsonObject
        {
            ["machine"] = machine,
            ["runs"] = runs,
            ["localEcs"] = new JsonObject { ["taskStartDelay"] = BenchFormat(start), ["taskStopDelay"] = BenchFormat(stop), ["tick"] = BenchFormat(tick), ["desiredCount"] = BenchDesiredCount, ["circuitBreaker"] = "enable, rollback" },
            ["deployArguments"] = new JsonArray(BenchDeployArguments.Select(a => (JsonNode?)a).ToArray()),
            ["overheadSeconds"] = overhead,
            ["goodWithoutScriptCacheSeconds"] = cold,
            ["rows"] = rows,
            ["targets"] = targets,
            ["samples"] = new JsonArray(samples.Select(s => (JsonNode?)new JsonObject
            {
                ["who"] = s.Who,
                ["scenario"] = s.Scenario,
                ["run"] = s.Run,
                ["seconds"] = Math.Round(s.Seconds, 3),
                ["asExpected"] = s.AsExpected,
                ["verdict"] = s.Verdict,
                ["apiCalls"] = new JsonObject(s.ApiCalls.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            }).ToArray()),
            ["tookSeconds"] = Math.Round(took.TotalSeconds, 1),
        };
        return new BenchReport(md.ToString(), json);
    }
}

static TimeSpan BenchDuration(string text) => Cake.EcsDeploy.DurationParser.Parse(text);

static string BenchFormat(TimeSpan t) => t.TotalSeconds >= 1 && t.Milliseconds == 0 ? $"{t.TotalSeconds:0}s" : $"{t.TotalMilliseconds:0}ms";

static bool BenchOnPath(string tool) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
        .Any(dir => dir.Length > 0 && System.IO.File.Exists(System.IO.Path.Combine(dir, tool)));
#nullable restore
