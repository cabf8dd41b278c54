namespace LocalEcs.Model;

/// All emulator state. One lock (<see cref="Gate"/>) guards everything: API calls and simulation steps are short.
internal sealed class EcsStore
{
    private readonly Dictionary<string, RegionState> _regions = new(StringComparer.Ordinal);

    public object Gate { get; } = new();

    public IEnumerable<RegionState> Regions => _regions.Values;

    /// Caller holds <see cref="Gate"/>.
    public RegionState Region(string name)
    {
        if (!_regions.TryGetValue(name, out var region))
        {
            region = new RegionState(name);
            _regions[name] = region;
        }

        return region;
    }

    public void Reset()
    {
        lock (Gate)
        {
            _regions.Clear();
        }
    }
}

/// ECS resources are regional: each region has its own clusters and task definition families.
internal sealed class RegionState(string name)
{
    public string Name { get; } = name;
    public Dictionary<string, ClusterState> Clusters { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<TaskDefinitionState>> Families { get; } = new(StringComparer.Ordinal);
}
