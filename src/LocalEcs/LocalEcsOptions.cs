using System.Globalization;
using LocalEcs.Faults;
using Microsoft.Extensions.Configuration;

namespace LocalEcs;

/// Command line: --port, --task-start-delay, --task-stop-delay, --tick, and the fault options (README "Faults on demand").
/// Environment: LOCALECS_ and the option's name in capitals with '_' for '-', e.g. LOCALECS_THROTTLE_RATE.
public sealed record LocalEcsOptions
{
    /// The fault rules that take options: --{name}-rate, --{name}-next, --{name}-operations.
    private static readonly string[] FaultNames = ["throttle", "server-error", "drop-connection", "latency"];

    /// 0 picks a free port.
    public int Port { get; init; }

    /// PROVISIONING → RUNNING (or, for crash images, → STOPPED).
    public TimeSpan TaskStartDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// Scheduler-stopped tasks: DEACTIVATING → STOPPED.
    public TimeSpan TaskStopDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// Simulation step.
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(100);

    /// API faults in force from the start; the admin endpoint /_localecs/faults changes them at run time.
    public ApiFaultSettings Faults { get; init; } = ApiFaultSettings.None;

    public static LocalEcsOptions FromArgs(string[] args)
    {
        var switches = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["--port"] = "PORT",
            ["--task-start-delay"] = "TASK_START_DELAY",
            ["--task-stop-delay"] = "TASK_STOP_DELAY",
            ["--tick"] = "TICK",
            ["--fault-seed"] = "FAULT_SEED",
            ["--latency"] = "LATENCY",
            ["--server-error-fail-after-applying"] = "SERVER_ERROR_FAIL_AFTER_APPLYING",
            ["--drop-connection-fail-after-applying"] = "DROP_CONNECTION_FAIL_AFTER_APPLYING",
        };
        foreach (var name in FaultNames)
        {
            foreach (var part in (string[])["rate", "next", "operations"])
            {
                switches[$"--{name}-{part}"] = Key($"{name}-{part}");
            }
        }

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
            Faults = FaultsFrom(config),
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

    private static ApiFaultSettings FaultsFrom(IConfiguration config)
    {
        FaultRule Rule(string name, bool afterApplying = false) => new()
        {
            Rate = Rate(config, Key(name + "-rate")),
            Next = Count(config, Key(name + "-next")),
            Operations = config[Key(name + "-operations")] is { } operations ? ApiFaultSettings.SplitOperations(operations) : [],
            FailAfterApplying = afterApplying && Flag(config, Key(name + "-fail-after-applying")),
        };

        var latency = Rule("latency");
        var latencyRateGiven = config[Key("latency-rate")] is not null;
        return new ApiFaultSettings
        {
            Seed = config["FAULT_SEED"] is { } seed
                ? int.TryParse(seed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : throw Invalid("FAULT_SEED", seed)
                : ApiFaultSettings.DefaultSeed,
            Throttle = Rule("throttle"),
            ServerError = Rule("server-error", afterApplying: true),
            DropConnection = Rule("drop-connection", afterApplying: true),
            Latency = new LatencyRule
            {
                Delay = Duration(config, "LATENCY", TimeSpan.Zero),
                // Every matching call is delayed unless --latency-next or --latency-rate narrows it down.
                Rate = latencyRateGiven ? latency.Rate : latency.Next > 0 ? 0 : 1,
                Next = latency.Next,
                Operations = latency.Operations,
            },
        };
    }

    /// "server-error-rate" → "SERVER_ERROR_RATE", the configuration key (and, with LOCALECS_, the environment name).
    private static string Key(string option) => option.ToUpperInvariant().Replace('-', '_');

    private static double Rate(IConfiguration config, string key)
    {
        if (config[key] is not { } text)
        {
            return 0;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1
            ? rate
            : throw Invalid(key, text, " (a share between 0 and 1)");
    }

    private static int Count(IConfiguration config, string key)
    {
        if (config[key] is not { } text)
        {
            return 0;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw Invalid(key, text, " (a whole number of calls)");
    }

    private static bool Flag(IConfiguration config, string key)
    {
        if (config[key] is not { } text)
        {
            return false;
        }

        return bool.TryParse(text, out var flag) ? flag : throw Invalid(key, text, " (true or false)");
    }

    private static FormatException Invalid(string key, string text, string expected = "") =>
        new($"Invalid value for {key.ToLowerInvariant().Replace('_', '-')}: '{text}'{expected}.");

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
