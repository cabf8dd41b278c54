using System.Globalization;
using Cake.EcsDeploy.Deployments;
using Cake.EcsDeploy.Verification;

namespace Cake.EcsDeploy;

/// <summary>
/// Reads <see cref="EcsDeploySettings"/> from named arguments (Cake's <c>--name=value</c>), reporting every
/// malformed one at once, before anything talks to ECS.
/// </summary>
public static class EcsDeploySettingsReader
{
    /// <summary>Every argument the tasks read, with what it means (for help texts and the README).</summary>
    public static readonly IReadOnlyList<(string Name, string Meaning)> Arguments =
    [
        ("cluster", "ECS cluster of the service"),
        ("service", "ECS service to deploy"),
        ("image", "image reference to deploy"),
        ("container", "container that gets the image (only when the task definition has several)"),
        ("verify-url", "URL through the load balancer that must answer"),
        ("verify-status", "status codes that count as success, e.g. 200-299 or 200,204 (default 200-299)"),
        ("verify-successes", "consecutive successes required (default 3)"),
        ("verify-failures", "fail after this many failed requests in a row instead of waiting for the deadline (default: off)"),
        ("verify-timeout", "time allowed for one request (default 5s)"),
        ("verify-deadline", "time allowed for the whole verification (default 2m)"),
        ("verify-interval", "pause between successful requests (default 1s)"),
        ("verify-retry-delay", "first pause after a failed request, doubled each time (default 1s)"),
        ("verify-version-header", "response header that names the version that answered; only answers from the new version count"),
        ("verify-version-field", "JSON body field (dotted path, e.g. build.version) that names the version; only answers from the new version count"),
        ("verify-version", "the version the new release answers with (default: the image's tag)"),
        ("region", "AWS region (else AWS_REGION / AWS_DEFAULT_REGION / profile)"),
        ("ecs-endpoint", "ECS endpoint URL (else AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL, else AWS)"),
        ("artifacts", "folder for the backup, rendered task definition and reports (default artifacts/ecs-deploy)"),
        ("stability-timeout", "time allowed for a deployment to finish (default 10m)"),
        ("poll-interval", "shortest pause between DescribeServices calls (default 2s; backs off to 7.5x while nothing changes)"),
        ("force", "deploy even when another deployment of the service is in progress, or an earlier deploy did not finish"),
        ("rollback-to", "for --target=Rollback: the task-definition ARN (or family:revision) to restore, instead of the backup in --artifacts"),
        ("deregister-failed", "deregister the failed revision after a successful rollback (default true)"),
    ];

    /// <summary>Reads the settings; <paramref name="argument"/> returns an argument's value or null when absent.</summary>
    /// <exception cref="EcsDeployInputException">One or more arguments are malformed; the message lists each.</exception>
    public static EcsDeploySettings Read(Func<string, string?> argument)
    {
        var errors = new List<string>();
        string? Text(string name) => string.IsNullOrWhiteSpace(argument(name)) ? null : argument(name)!.Trim();

        T? Parse<T>(string name, Func<string, T> parse, string expected) where T : struct
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            try
            {
                return parse(text);
            }
            catch (FormatException e)
            {
                errors.Add($"--{name}={text}: expected {expected} ({e.Message})");
                return null;
            }
        }

        TimeSpan? Duration(string name) => Parse(name, t => DurationParser.Parse(t), "a duration such as 30s, 5m, 1h or 500ms");
        int? Positive(string name) => Parse(name, t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException("not a positive whole number"), "a positive whole number");

        Uri? Url(string name, bool httpOnly)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host))
            {
                if (uri.UserInfo.Length == 0)
                {
                    return uri;
                }

                // The URL is printed and reported; a password in it would leak.
                errors.Add($"--{name}: a user name or password in the URL would end up in logs and reports; use a URL without user:password@");
                return null;
            }

            errors.Add($"--{name}={text}: expected an absolute http:// or https:// URL{(httpOnly ? ", e.g. https://api.example.com/health" : "")}");
            return null;
        }

        // Every knob is parsed, even without --verify-url, so a typo is reported either way.
        var verifyUrl = Url("verify-url", httpOnly: true);
        var status = Text("verify-status") is { } statusText ? TryStatus(statusText, errors) : null;
        var successes = Positive("verify-successes");
        var failures = Positive("verify-failures");
        var attemptTimeout = Duration("verify-timeout");
        var deadline = Duration("verify-deadline");
        var successInterval = Duration("verify-interval");
        var retryDelay = Duration("verify-retry-delay");
        var versionHeader = Text("verify-version-header");
        var versionField = Text("verify-version-field");
        var expectedVersion = Text("verify-version");
        if (versionHeader is not null && versionField is not null)
        {
            errors.Add("--verify-version-header and --verify-version-field: give one of them, not both");
        }

        if (expectedVersion is not null && versionHeader is null && versionField is null)
        {
            errors.Add($"--verify-version={expectedVersion}: also say where the version is, with --verify-version-header=<name> or --verify-version-field=<path>");
        }

        VerificationOptions? verification = null;
        if (verifyUrl is not null)
        {
            var defaults = new VerificationOptions { Url = verifyUrl };
            verification = defaults with
            {
                ExpectedStatus = status ?? defaults.ExpectedStatus,
                ConsecutiveSuccesses = successes ?? defaults.ConsecutiveSuccesses,
                FailAfterConsecutiveFailures = failures ?? defaults.FailAfterConsecutiveFailures,
                AttemptTimeout = attemptTimeout ?? defaults.AttemptTimeout,
                Deadline = deadline ?? defaults.Deadline,
                SuccessInterval = successInterval ?? defaults.SuccessInterval,
                RetryDelay = retryDelay ?? defaults.RetryDelay,
                MaxRetryDelay = TimeSpan.FromTicks(Math.Max(defaults.MaxRetryDelay.Ticks, (retryDelay ?? defaults.RetryDelay).Ticks)),
                Version = versionHeader is not null || versionField is not null ? new VersionCheck(versionHeader, versionField, expectedVersion) : null,
            };
        }

        var wait = new DeploymentWaitOptions();
        var poll = Duration("poll-interval");
        wait = wait with
        {
            Timeout = Duration("stability-timeout") ?? wait.Timeout,
            MinPollInterval = poll ?? wait.MinPollInterval,
            MaxPollInterval = poll is { } p ? p * 7.5 : wait.MaxPollInterval,
        };

        // A bare --force arrives as an empty value.
        bool Flag(string name, bool absent) => argument(name) is not { } text
            ? absent
            : text.Trim().Length == 0 || (Parse(name, t => bool.Parse(t), "true or false") ?? absent);

        var settings = new EcsDeploySettings
        {
            Cluster = Name("cluster", Text("cluster"), errors),
            Service = Name("service", Text("service"), errors),
            Image = Text("image"),
            Container = Text("container"),
            Verification = verification,
            Region = Text("region"),
            EcsEndpoint = Url("ecs-endpoint", httpOnly: false),
            ArtifactsDirectory = Text("artifacts") ?? Path.Combine("artifacts", "ecs-deploy"),
            Wait = wait,
            Force = Flag("force", absent: false),
            RollbackTo = Text("rollback-to"),
            DeregisterFailed = Flag("deregister-failed", absent: true),
        };

        return errors.Count == 0
            ? settings
            : throw new EcsDeployInputException("Invalid arguments; nothing was changed in ECS:\n  " + string.Join("\n  ", errors));
    }

    // ECS names: up to 255 letters, digits, hyphens and underscores; an ARN is accepted too.
    private static string? Name(string argument, string? value, List<string> errors)
    {
        if (value is null || value.StartsWith("arn:", StringComparison.Ordinal) || (value.Length <= 255 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return value;
        }

        errors.Add($"--{argument}={value}: expected a name of letters, digits, hyphens and underscores (or an ARN)");
        return null;
    }

    private static StatusCodeSet? TryStatus(string text, List<string> errors)
    {
        try
        {
            return StatusCodeSet.Parse(text);
        }
        catch (FormatException e)
        {
            errors.Add($"--verify-status={text}: {e.Message}");
            return null;
        }
    }
}

/// <summary>Parses durations written as 500ms, 30s, 5m, 1h, a plain number of seconds, or hh:mm:ss.</summary>
public static class DurationParser
{
    /// <summary>Parses; throws <see cref="FormatException"/>.</summary>
    public static TimeSpan Parse(string text)
    {
        text = text.Trim();
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return TimeSpan.FromSeconds(value * scale);
            }
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new FormatException("not a positive duration");
    }
}
