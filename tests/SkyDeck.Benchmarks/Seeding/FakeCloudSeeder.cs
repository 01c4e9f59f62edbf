using System.Text.Encodings.Web;
using System.Text.Json;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.FakeSky;
using SkyDeck.FakeSky.State;

namespace SkyDeck.Benchmarks.Seeding;

/// <summary>
/// Writes the fake cloud that matches a seeded fleet: one UP cluster per live experiment holding its finished jobs
/// and its RUNNING job, with the names and SkyPilot job ids SkyDeck recorded. Scripts pin each job to its status so
/// polling does not move them. (Launching them through the fake would cost one process per job.)
/// </summary>
public static class FakeCloudSeeder
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Seed(FakeSkyHome home, IEnumerable<SeededExperiment> fleet)
    {
        var state = new FakeSkyState();
        foreach (var experiment in fleet.Where(e => e.Kind == ExperimentKind.Live))
        {
            var s = experiment.State;
            var cluster = new FakeCluster
            {
                Name = s.ClusterName,
                Status = "UP",
                LaunchedAt = s.Jobs[0].RequestedAt.ToUnixTimeSeconds(),
                Cloud = "AWS",
                Region = "us-east-1",
                Zone = "us-east-1a",
                NumNodes = 1,
                Accelerators = "A100:4",
                InstanceType = "p4d.24xlarge",
                Cpus = 96,
                Memory = 1152,
                LastUse = "sky launch",
            };
            foreach (var job in s.Jobs)
            {
                var status = job.Status!.Value.ToSkyString();
                cluster.Jobs.Add(new FakeJob
                {
                    JobId = (int)job.SkyJobId!.Value,
                    JobName = job.JobId,
                    Status = status,
                    Script = [status],
                    ScriptStep = 0,
                    SubmittedAt = (job.SubmittedAt ?? job.RequestedAt).ToUnixTimeMilliseconds() / 1000.0,
                    StartAt = job.StartedAt?.ToUnixTimeMilliseconds() / 1000.0,
                    EndAt = job.EndedAt?.ToUnixTimeMilliseconds() / 1000.0,
                    Resources = "1x[A100:4]",
                    Command = job.Command,
                    LogPath = $"~/sky_logs/sky-{job.JobId}",
                });
            }

            cluster.NextJobId = cluster.Jobs.Max(j => j.JobId) + 1;
            state.Clusters.Add(cluster);
        }

        var temp = home.StatePath + ".seed.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(state, Json));
        File.Move(temp, home.StatePath, overwrite: true);
        return state.Clusters.Count;
    }
}
