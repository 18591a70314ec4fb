"""app/demo"""
