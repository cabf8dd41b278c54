namespace LocalEcs.Faults;

internal enum FaultKind
{
    None,
    Throttle,
    ServerError,
    DropConnection,
}

/// What to do to one API call: wait <see cref="Delay"/>, then fail as <see cref="Kind"/>, before or after applying it.
internal readonly record struct FaultDecision(FaultKind Kind, bool AfterApplying, TimeSpan Delay)
{
    public static FaultDecision None => default;
}

/// The live API fault settings. "next" counters count down as calls are hit; "rate" draws from a Random seeded with
/// the settings' seed, so the same sequence of calls gets the same faults. Thread-safe.
internal sealed class ApiFaults
{
    private readonly object _gate = new();
    private ApiFaultSettings _settings = ApiFaultSettings.None;
    private Random _random = new(ApiFaultSettings.DefaultSeed);

    public ApiFaults(ApiFaultSettings initial)
    {
        StartupSeed = initial.Seed;
        Replace(initial);
    }

    /// The seed used when a PUT body has none, and after DELETE.
    public int StartupSeed { get; }

    /// The settings with "next" showing how many calls are still to be hit.
    public ApiFaultSettings Current
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
    }

    public void Replace(ApiFaultSettings settings)
    {
        lock (_gate)
        {
            _settings = settings;
            _random = new Random(settings.Seed);
        }
    }

    public void Clear() => Replace(ApiFaultSettings.None with { Seed = StartupSeed });

    /// Decides the fate of one call. Rules are consulted in a fixed order (latency, then throttle, serverError,
    /// dropConnection); the first failure that fires wins and later ones are not consulted.
    public FaultDecision Decide(string operation)
    {
        lock (_gate)
        {
            var s = _settings;
            if (!s.Latency.IsSet && !s.Throttle.IsSet && !s.ServerError.IsSet && !s.DropConnection.IsSet)
            {
                return FaultDecision.None;
            }

            var delay = TimeSpan.Zero;
            if (s.Latency.IsSet && Fires(s.Latency.Selection, operation) is { } latency)
            {
                delay = s.Latency.Delay;
                s = s with { Latency = s.Latency with { Next = latency.Next } };
            }

            var kind = FaultKind.None;
            var afterApplying = false;
            if (Fires(s.Throttle, operation) is { } throttle)
            {
                kind = FaultKind.Throttle;
                s = s with { Throttle = throttle };
            }
            else if (Fires(s.ServerError, operation) is { } serverError)
            {
                kind = FaultKind.ServerError;
                afterApplying = serverError.FailAfterApplying;
                s = s with { ServerError = serverError };
            }
            else if (Fires(s.DropConnection, operation) is { } drop)
            {
                kind = FaultKind.DropConnection;
                afterApplying = drop.FailAfterApplying;
                s = s with { DropConnection = drop };
            }

            _settings = s;
            return new FaultDecision(kind, afterApplying, delay);
        }
    }

    /// The rule as it stands after a hit (its "next" used up by one), or null when the call is not hit.
    private FaultRule? Fires(FaultRule rule, string operation)
    {
        if (!rule.IsSet || !rule.Matches(operation))
        {
            return null;
        }

        if (rule.Next > 0)
        {
            return rule with { Next = rule.Next - 1 };
        }

        return rule.Rate >= 1 || _random.NextDouble() < rule.Rate ? rule : null;
    }
}
