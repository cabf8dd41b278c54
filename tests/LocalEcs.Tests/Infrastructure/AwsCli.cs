using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalEcs.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("empty CLI output");
}

/// The AWS CLI (v1) as an independent client: no ~/.aws, dummy credentials, and waiters that poll every
/// 0.2 s instead of ECS's 15 s (a copy of botocore's waiters-2.json on AWS_DATA_PATH).
public sealed class AwsCli
{
    private static readonly Lazy<string> DataPath = new(CreateFastWaiters);
    private readonly string _endpoint;

    public AwsCli(string endpoint) => _endpoint = endpoint;

    /// Extra environment for the CLI, set last (e.g. AWS_MAX_ATTEMPTS=1 to see throttling without its retries).
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--endpoint-url", _endpoint, "--region", "us-east-1", "--output", "json", "ecs", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = "test";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "test";
        start.Environment.Remove("AWS_SESSION_TOKEN");
        start.Environment.Remove("AWS_PROFILE");
        start.Environment["AWS_PAGER"] = "";
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_DATA_PATH"] = DataPath.Value;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start aws");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// Runs and requires success; returns the parsed JSON output.
    public async Task<JsonNode> JsonAsync(params string[] args)
    {
        var result = await RunAsync(args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws ecs {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        }

        return result.Json;
    }

    private static string CreateFastWaiters()
    {
        var model = FindBotocoreEcsModel();
        var waiters = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "waiters-2.json")))!;
        foreach (var (_, waiter) in waiters["waiters"]!.AsObject())
        {
            waiter!["delay"] = 0.2;
            waiter["maxAttempts"] = 150;
        }

        var root = Path.Combine(Path.GetTempPath(), "localecs-aws-data-" + System.Environment.ProcessId);
        var target = Path.Combine(root, "ecs", "2014-11-13");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "waiters-2.json"), waiters.ToJsonString());
        return root;
    }

    private static string FindBotocoreEcsModel()
    {
        var start = new ProcessStartInfo("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var aws = Process.Start(start)!;
        var botocore = aws.StandardOutput.ReadToEnd().Trim();
        aws.WaitForExit();
        // The CLI may run on another Python than python3; fall back to the known install.
        if (!Directory.Exists(Path.Combine(botocore, "data", "ecs")))
        {
            botocore = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore";
        }

        return Path.Combine(botocore, "data", "ecs", "2014-11-13");
    }
}
