namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// The NIfTI qform quaternion (b, c, d) of a proper rotation, as nifti1_io's nifti_mat44_to_quatern computes it:
/// from the trace when it is large, else from the largest diagonal element, with a ≥ 0.
/// </summary>
public static class Quaternion
{
    /// <summary>(b, c, d) of the rotation whose columns are those of <paramref name="affine"/>'s first three divided by <paramref name="scales"/>.</summary>
    public static (double B, double C, double D) FromRotation(double[,] affine, double[] scales)
    {
        double R(int row, int column) => affine[row, column] / scales[column];
        double r11 = R(0, 0), r12 = R(0, 1), r13 = R(0, 2);
        double r21 = R(1, 0), r22 = R(1, 1), r23 = R(1, 2);
        double r31 = R(2, 0), r32 = R(2, 1), r33 = R(2, 2);
        double a = r11 + r22 + r33 + 1, b, c, d;
        if (a > 0.5)
        {
            a = 0.5 * Math.Sqrt(a);
            b = 0.25 * (r32 - r23) / a;
            c = 0.25 * (r13 - r31) / a;
            d = 0.25 * (r21 - r12) / a;
        }
        else
        {
            double xd = 1 + r11 - (r22 + r33), yd = 1 + r22 - (r11 + r33), zd = 1 + r33 - (r11 + r22);
            if (xd > 1)
            {
                b = 0.5 * Math.Sqrt(xd); c = 0.25 * (r12 + r21) / b; d = 0.25 * (r13 + r31) / b; a = 0.25 * (r32 - r23) / b;
            }
            else if (yd > 1)
            {
                c = 0.5 * Math.Sqrt(yd); b = 0.25 * (r12 + r21) / c; d = 0.25 * (r23 + r32) / c; a = 0.25 * (r13 - r31) / c;
            }
            else
            {
                d = 0.5 * Math.Sqrt(zd); b = 0.25 * (r13 + r31) / d; c = 0.25 * (r23 + r32) / d; a = 0.25 * (r21 - r12) / d;
            }
            if (a < 0) { b = -b; c = -c; d = -d; }
        }
        return (b, c, d);
    }
}
