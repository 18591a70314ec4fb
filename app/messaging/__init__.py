"""app/messaging"""
