using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace LocalEcs;

/// Command line: --port, --task-start-delay, --task-stop-delay, --tick.
/// Environment: LOCALECS_PORT, LOCALECS_TASK_START_DELAY, LOCALECS_TASK_STOP_DELAY, LOCALECS_TICK.
public sealed record LocalEcsOptions
{
    /// 0 picks a free port.
    public int Port { get; init; }

    /// PROVISIONING → RUNNING (or, for crash images, → STOPPED).
    public TimeSpan TaskStartDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// Scheduler-stopped tasks: DEACTIVATING → STOPPED.
    public TimeSpan TaskStopDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// Simulation step.
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(100);

    public static LocalEcsOptions FromArgs(string[] args)
    {
        var switches = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["--port"] = "PORT",
            ["--task-start-delay"] = "TASK_START_DELAY",
            ["--task-stop-delay"] = "TASK_STOP_DELAY",
            ["--tick"] = "TICK",
        };
        var config = new ConfigurationBuilder()
            .AddEnvironmentVariables("LOCALECS_")
            .AddCommandLine(args, switches)
            .Build();
        var defaults = new LocalEcsOptions();
        var options = new LocalEcsOptions
        {
            Port = config["PORT"] is { } port ? ParsePort(port) : defaults.Port,
            TaskStartDelay = Duration(config, "TASK_START_DELAY", defaults.TaskStartDelay),
            TaskStopDelay = Duration(config, "TASK_STOP_DELAY", defaults.TaskStopDelay),
            Tick = Duration(config, "TICK", defaults.Tick),
        };
        if (options.Tick <= TimeSpan.Zero)
        {
            throw new FormatException("--tick must be positive.");
        }

        return options;
    }

    /// "00:00:00.200", "200ms", "2s", "1m", or a bare number of seconds ("1.5").
    public static TimeSpan ParseDuration(string text)
    {
        var value = text.Trim();
        TimeSpan result;
        if (value.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            result = TimeSpan.FromMilliseconds(Number(value[..^2]));
        }
        else if (value.EndsWith('s') || value.EndsWith('S'))
        {
            result = TimeSpan.FromSeconds(Number(value[..^1]));
        }
        else if (value.EndsWith('m') || value.EndsWith('M'))
        {
            result = TimeSpan.FromMinutes(Number(value[..^1]));
        }
        else if (value.Contains(':'))
        {
            result = TimeSpan.Parse(value, CultureInfo.InvariantCulture);
        }
        else
        {
            result = TimeSpan.FromSeconds(Number(value));
        }

        return result >= TimeSpan.Zero ? result : throw new FormatException($"Duration must not be negative: '{text}'.");
    }

    private static double Number(string text) =>
        double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static TimeSpan Duration(IConfiguration config, string key, TimeSpan fallback)
    {
        if (config[key] is not { } text)
        {
            return fallback;
        }

        try
        {
            return ParseDuration(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"Invalid duration for {key.ToLowerInvariant().Replace('_', '-')}: '{text}'.", e);
        }
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new FormatException($"Invalid port: '{text}'.");
}
