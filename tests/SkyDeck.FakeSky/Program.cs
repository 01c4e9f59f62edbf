using System.Text;
using SkyDeck.FakeSky;

using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = false };
using var stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
try
{
    return FakeSkyApp.Run(args, stdout, stderr);
}
finally
{
    stdout.Flush();
}
