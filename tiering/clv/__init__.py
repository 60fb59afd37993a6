"""Customer lifetime value: BG/NBD (purchases, p_alive) and Gamma-Gamma (spend) fitted by maximum likelihood.

Plain numpy/scipy, time in weeks unless told otherwise; the papers: Fader, Hardie & Lee (2005), "Counting your
customers the easy way" (BG/NBD) and "RFM and CLV: using iso-value curves" (Gamma-Gamma).
"""
