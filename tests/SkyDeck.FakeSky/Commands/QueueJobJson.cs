using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>SkyPilot's <c>ClusterJobRecord.model_dump(mode='json')</c>.</summary>
internal sealed record QueueJobJson(
    int JobId,
    string JobName,
    string Username,
    string UserHash,
    double SubmittedAt,
    double? StartAt,
    double? EndAt,
    string Resources,
    string Status,
    string LogPath,
    IReadOnlyDictionary<string, string> Metadata)
{
    public static QueueJobJson From(FakeJob job) => new(
        job.JobId,
        job.JobName,
        job.Username,
        FakeIdentity.UserHash,
        job.SubmittedAt,
        job.StartAt,
        job.EndAt,
        job.Resources,
        job.Status,
        job.LogPath,
        new Dictionary<string, string>());
}
