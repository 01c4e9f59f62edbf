using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Reliability.Tests.Support;

namespace SkyDeck.Reliability.Tests.Crash;

public enum ChangeKind { Create, State, Flags }

public enum Outcome { InFlight, Acknowledged, Unknown, Rejected, Applied, NotApplied }

/// <summary>One change a client sent: what it asked for and what it was told.</summary>
public sealed class Change(ChangeKind kind, string desired, int step)
{
    public ChangeKind Kind { get; } = kind;

    /// <summary>The desired state the experiment has if this change is applied.</summary>
    public string Desired { get; } = desired;

    /// <summary>The <c>step</c> flag the experiment has if this change is applied (every flags change sets a new one).</summary>
    public int Step { get; } = step;

    public Outcome Outcome { get; set; } = Outcome.InFlight;

    public string? Answer { get; set; }

    public bool IsAcknowledged => Outcome is Outcome.Acknowledged;

    /// <summary>Applied for sure: acknowledged, or found in the journal after a crash.</summary>
    public bool IsApplied => Outcome is Outcome.Acknowledged or Outcome.Applied;

    public override string ToString() => $"{Kind}({(Kind == ChangeKind.Flags ? $"step={Step}" : Desired)}):{Outcome}";
}

/// <summary>
/// One experiment as the clients know it. Only its owning worker sends it changes, one at a time, so the order of
/// its changes is the order they were sent, and at a crash at most one is in flight.
/// </summary>
public sealed class TrackedExperiment(string id, int owner)
{
    public string Id { get; } = id;

    public int Owner { get; } = owner;

    public List<Change> History { get; } = [];

    public bool Exists => History.Count > 0 && History[0].IsApplied;

    /// <summary>The desired state after every applied change.</summary>
    public string Desired => History.Where(c => c.IsApplied && c.Kind != ChangeKind.Flags).Select(c => c.Desired).LastOrDefault() ?? "?";

    public int Step => History.Where(c => c.IsApplied && c.Kind != ChangeKind.State).Select(c => c.Step).LastOrDefault(-1);

    /// <summary>True while a change whose fate is not known yet (a 5xx, a broken connection) is in the history.</summary>
    public bool HasUnresolved => History.Any(c => c.Outcome is Outcome.Unknown or Outcome.InFlight);
}

/// <summary>
/// The crash test's clients: workers that send bursts of state changes, flag edits and creates, and the bookkeeping
/// to check after a restart that every acknowledged change is in the journal, in order, exactly once.
/// </summary>
public sealed class ChangeModel(int seed, int workers, int maxExperiments)
{
    private static readonly string[] States = ["RUNNING", "STOPPED", "TERMINATED"];
    private readonly Lock _gate = new();
    private readonly List<TrackedExperiment> _experiments = [];
    private int _nextId;
    private int _nextStep;

    public IReadOnlyList<TrackedExperiment> Experiments
    {
        get
        {
            lock (_gate) return [.. _experiments];
        }
    }

    public IEnumerable<TrackedExperiment> Existing => Experiments.Where(e => e.Exists);

    public int Acknowledged => Experiments.Sum(e => e.History.Count(c => c.IsAcknowledged));

    public int AcknowledgedSince(int before) => Acknowledged - before;

    public int Unknown => Experiments.Sum(e => e.History.Count(c => c.Outcome is Outcome.Applied or Outcome.NotApplied));

    public int ServerErrors { get; private set; }

    public List<string> UnexpectedAnswers { get; } = [];

    public async Task CreateAsync(SkyDeckApi api, int count, Random random)
    {
        for (var i = 0; i < count; i++)
        {
            var (experiment, change) = NewExperiment(i % workers, random);
            var answer = await api.CreateAsync(experiment.Id, change.Desired, new JsonObject { ["step"] = change.Step });
            Assert.True(answer.IsSuccess, $"create {experiment.Id}: {answer}");
            change.Outcome = Outcome.Acknowledged;
        }
    }

    /// <summary>
    /// Workers send changes until the server is killed: <paramref name="kill"/> runs once <paramref name="killAfter"/>
    /// changes of this burst were acknowledged, while the workers keep sending. Returns the acknowledged count.
    /// </summary>
    public async Task<int> BurstAsync(SkyDeckServerProcess server, int killAfter, Func<Task> kill, int burst)
    {
        var acknowledged = 0;
        var killing = false;
        var trigger = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, new Random(HashCode.Combine(seed, burst, w))))).ToList();
        await trigger.Task.WaitAsync(TimeSpan.FromMinutes(3));
        Volatile.Write(ref killing, true);
        await kill();
        stop.Cancel();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(2));
        return acknowledged;

        async Task WorkerAsync(int worker, Random random)
        {
            while (!stop.IsCancellationRequested)
            {
                var (experiment, change) = Next(worker, random);
                if (change is null) continue;
                try
                {
                    var answer = change.Kind switch
                    {
                        ChangeKind.Create => await server.Api.CreateAsync(experiment.Id, change.Desired, new JsonObject { ["step"] = change.Step }),
                        ChangeKind.State => await server.Api.SetStateAsync(experiment.Id, change.Desired),
                        _ => await server.Api.PatchAsync(experiment.Id, new JsonObject { ["flags"] = new JsonObject { ["step"] = change.Step } }),
                    };
                    change.Answer = answer.ToString();
                    if (answer.IsSuccess)
                    {
                        change.Outcome = Outcome.Acknowledged;
                        if (Interlocked.Increment(ref acknowledged) == killAfter) trigger.TrySetResult();
                    }
                    else if ((int)answer.Status >= 500)
                    {
                        change.Outcome = Outcome.Unknown;
                        lock (_gate) ServerErrors++;
                        Note($"{experiment.Id} {change}: {answer}");
                    }
                    else
                    {
                        change.Outcome = Outcome.Rejected;
                        Note($"{experiment.Id} {change}: {answer}");
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    // The server was killed with this request in flight (or before it connected): it may or may not
                    // have been applied. The restarted server's journal says which.
                    change.Outcome = Outcome.Unknown;
                    change.Answer = e.GetBaseException().Message;
                    if (!Volatile.Read(ref killing)) Note($"{experiment.Id} {change}: connection failed while the server was up: {e.Message}");
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Compares every experiment's journal (<c>GET …/events</c>, the events our requests caused) with the changes sent:
    /// acknowledged ones must all be there, in order, once; one whose fate was unknown may be there or not, and is
    /// resolved by what is found. Then the experiment itself must show the last applied values. Returns problems.
    /// </summary>
    public async Task<IReadOnlyList<string>> VerifyAsync(SkyDeckApi api)
    {
        var problems = new List<string>();
        foreach (var experiment in Experiments)
        {
            var get = await api.GetAsync(experiment.Id);
            if (get.Status == HttpStatusCode.NotFound)
            {
                var create = experiment.History[0];
                if (create.IsApplied) problems.Add($"{experiment.Id}: acknowledged create lost (GET answers 404)");
                else create.Outcome = Outcome.NotApplied;
                foreach (var later in experiment.History.Skip(1)) later.Outcome = later.IsAcknowledged ? later.Outcome : Outcome.NotApplied;
                continue;
            }

            if (!get.IsSuccess)
            {
                problems.Add($"{experiment.Id}: GET answered {get}");
                continue;
            }

            var events = await api.EventsAsync(experiment.Id);
            if (!events.IsSuccess)
            {
                problems.Add($"{experiment.Id}: GET events answered {events}");
                continue;
            }

            var entries = events.Body.GetProperty("events").EnumerateArray().ToList();
            problems.AddRange(CheckSequence(experiment.Id, entries));
            var ours = entries.Where(e => e.GetProperty("who").GetString() == SkyDeckServerProcess.User).ToList();
            problems.AddRange(Match(experiment, ours));

            var desired = get.Body.GetProperty("desired_state").GetString();
            var step = get.Body.GetProperty("flags").TryGetProperty("step", out var s) ? s.GetInt32() : -1;
            if (desired != experiment.Desired)
                problems.Add($"{experiment.Id}: desired_state is {desired}, the last applied change says {experiment.Desired} ({string.Join(" ", experiment.History.TakeLast(4))})");
            if (step != experiment.Step)
                problems.Add($"{experiment.Id}: flags.step is {step}, the last applied change says {experiment.Step} ({string.Join(" ", experiment.History.TakeLast(4))})");
        }

        return problems;
    }

    /// <summary>Sequence numbers 1..N with no gap or repeat.</summary>
    public static IEnumerable<string> CheckSequence(string id, IReadOnlyList<JsonElement> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var sequence = entries[i].GetProperty("sequence").GetInt64();
            if (sequence != i + 1)
            {
                yield return $"{id}: event #{i + 1} has sequence {sequence} ({string.Join(",", entries.Select(e => e.GetProperty("sequence").GetInt64()))})";
                yield break;
            }
        }
    }

    private static IEnumerable<string> Match(TrackedExperiment experiment, IReadOnlyList<JsonElement> events)
    {
        var i = 0;
        foreach (var change in experiment.History)
        {
            if (change.Outcome == Outcome.Rejected || change.Outcome == Outcome.NotApplied) continue;
            var found = i < events.Count && Matches(change, events[i]);
            if (found)
            {
                i++;
                if (change.Outcome is Outcome.Unknown or Outcome.InFlight) change.Outcome = Outcome.Applied;
                continue;
            }

            if (change.Outcome is Outcome.Unknown or Outcome.InFlight)
            {
                change.Outcome = Outcome.NotApplied;
                continue;
            }

            if (change.Outcome == Outcome.Applied) yield return $"{experiment.Id}: {change}, found in the journal earlier, is gone";
            else yield return $"{experiment.Id}: acknowledged {change} is not in the journal where expected (next journal event: {(i < events.Count ? Describe(events[i]) : "none")})";
            yield break;
        }

        if (i < events.Count)
            yield return $"{experiment.Id}: the journal has {events.Count - i} change(s) nobody sent, first: {Describe(events[i])}; sent: {string.Join(" ", experiment.History.TakeLast(6))}";
    }

    private static bool Matches(Change change, JsonElement entry)
    {
        var type = entry.GetProperty("type").GetString();
        var data = entry.GetProperty("change");
        return change.Kind switch
        {
            ChangeKind.Create => type == "experiment_created" && data.GetProperty("desired").GetString() == change.Desired
                                 && data.GetProperty("spec").GetProperty("flags").GetProperty("step").GetInt32() == change.Step,
            ChangeKind.State => type == "desired_state_changed" && data.GetProperty("desired").GetString() == change.Desired,
            _ => type == "spec_updated" && data.GetProperty("spec").GetProperty("flags").GetProperty("step").GetInt32() == change.Step,
        };
    }

    private static string Describe(JsonElement entry) => $"{entry.GetProperty("sequence").GetInt64()}:{entry.GetProperty("type").GetString()} {entry.GetProperty("change").GetRawText()}";

    private (TrackedExperiment Experiment, Change? Change) Next(int worker, Random random)
    {
        lock (_gate)
        {
            var mine = _experiments.Where(e => e.Owner == worker && e.Exists && !e.HasUnresolved).ToList();
            if (mine.Count == 0 || (_experiments.Count < maxExperiments && random.NextDouble() < 0.08))
                return NewExperiment(worker, random);

            var experiment = mine[random.Next(mine.Count)];
            Change change;
            if (random.NextDouble() < 0.6)
            {
                var options = States.Where(s => s != experiment.Desired).ToList();
                change = new Change(ChangeKind.State, options[random.Next(options.Count)], experiment.Step);
            }
            else
            {
                change = new Change(ChangeKind.Flags, experiment.Desired, ++_nextStep);
            }

            experiment.History.Add(change);
            return (experiment, change);
        }
    }

    private (TrackedExperiment, Change) NewExperiment(int worker, Random random)
    {
        lock (_gate)
        {
            var experiment = new TrackedExperiment($"crash-{++_nextId:D3}", worker);
            var change = new Change(ChangeKind.Create, States[random.Next(States.Length)], ++_nextStep);
            experiment.History.Add(change);
            _experiments.Add(experiment);
            return (experiment, change);
        }
    }

    private void Note(string what)
    {
        lock (_gate)
        {
            if (UnexpectedAnswers.Count < 50) UnexpectedAnswers.Add(what);
        }
    }
}
